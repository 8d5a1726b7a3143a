package dev.tended.worker.handler;

/**
 * Tells a start that failed for want of resources from one that never can succeed: {@code fork} or
 * {@code exec} answered {@code EAGAIN} (the user's process limit, reached for instance by what a fork
 * bomb left running) or {@code ENOMEM}. Such a start is tried again after a backoff instead of
 * failing the attempt, because the shortage is usually gone a moment later. The JDK reports the
 * errno only in the exception's message ({@code "error=11, Resource temporarily unavailable"}).
 * Stateless.
 */
final class ResourceShortage {
  /** The message a start failure for want of resources carries. */
  static final String EAGAIN_MESSAGE = "error=11, Resource temporarily unavailable";

  private ResourceShortage() {}

  /** Whether {@code e}, or one of its causes, says the start failed for want of resources. */
  static boolean is(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("error=11,") || m.contains("error=12,") || m.contains("Resource temporarily unavailable")) {
        return true;
      }
    }
    return false;
  }
}
