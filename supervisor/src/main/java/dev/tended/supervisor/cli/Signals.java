package dev.tended.supervisor.cli;

import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a request to stop, instead of the JVM's default (run shutdown hooks
 * and exit 143/130), so that {@code supervise} can stop the worker within its grace, log it, and exit 0
 * as the product contract says. {@code sun.misc.Signal} is in the {@code jdk.unsupported} module,
 * present in every JDK since 9 and meant for exactly this.
 */
final class Signals {
  private Signals() {}

  @SuppressWarnings("removal")
  static void onTermination(Consumer<String> handler) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), s -> handler.accept("SIG" + s.getName()));
    }
  }
}
