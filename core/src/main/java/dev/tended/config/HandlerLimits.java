package dev.tended.config;

/**
 * What one attempt's process tree may use before it is stopped and the attempt ends
 * {@code limit-exceeded}, so that a handler's appetite costs its own attempt and never the worker.
 *
 * @param memoryBytes resident memory summed over the handler's tree; 0 = no limit
 * @param processes processes in the handler's tree at once; 0 = no limit
 */
public record HandlerLimits(long memoryBytes, int processes) {
  /** No limit at all: the default. */
  public static final HandlerLimits NONE = new HandlerLimits(0, 0);

  public HandlerLimits {
    if (memoryBytes < 0 || processes < 0) {
      throw new IllegalArgumentException("limits must not be negative: " + memoryBytes + ", " + processes);
    }
  }

  /** Whether any limit is set. */
  public boolean any() {
    return memoryBytes > 0 || processes > 0;
  }
}
