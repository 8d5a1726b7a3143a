package dev.tended.posix;

import java.util.function.Consumer;

/**
 * Turns SIGTERM and SIGINT into a request to stop instead of the JVM's default (run the shutdown
 * hooks and exit 143/130), so that a daemon can stop within its grace, log it and exit 0 as the
 * product contract says. {@code sun.misc.Signal} is in the {@code jdk.unsupported} module, present in
 * every JDK since 9 and meant for exactly this.
 */
public final class StopSignals {
  private StopSignals() {}

  /** Calls {@code handler} with {@code "SIGTERM"} or {@code "SIGINT"}, on a JVM signal thread, at each one. */
  @SuppressWarnings("removal")
  public static void onStopRequest(Consumer<String> handler) {
    for (Signal s : new Signal[] {Signal.TERM, Signal.INT}) {
      sun.misc.Signal.handle(new sun.misc.Signal(s.name()), received -> handler.accept(s.toString()));
    }
  }
}
