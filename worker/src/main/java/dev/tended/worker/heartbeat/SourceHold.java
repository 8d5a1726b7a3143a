package dev.tended.worker.heartbeat;

/**
 * Whether an operator holds a source back, as the dispatcher last published it for the heartbeat:
 * paused (nothing new starts), and draining (paused with {@code --drain} while handlers of it still
 * run to their end).
 */
public record SourceHold(boolean paused, boolean draining) {
  /** A source nobody paused. */
  public static final SourceHold NONE = new SourceHold(false, false);
}
