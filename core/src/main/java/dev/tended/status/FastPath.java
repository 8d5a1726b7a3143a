package dev.tended.status;

/**
 * Whether the file-change fast path (polls run as soon as a queue changes) is on, in the heartbeat
 * status file. When it is off the worker still polls every {@code pollInterval}, so nothing is lost,
 * only latency: {@code health-diagnose} says so and why, so an operator is not left guessing.
 *
 * @param on true while the watcher runs
 * @param reason why it is off (e.g. the inotify instance limit), null while on
 */
public record FastPath(boolean on, String reason) {
  /** The fast path is on. */
  public static final FastPath ON = new FastPath(true, null);

  /** The fast path is off because of {@code reason}. */
  public static FastPath off(String reason) {
    return new FastPath(false, reason);
  }
}
