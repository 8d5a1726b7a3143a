package dev.tended.worker.lifecycle;

import java.time.Duration;

/**
 * A long-lived part of the worker (the ledger, the dispatcher, the pollers, the watcher, the
 * heartbeat, the service manager's notifications): started once when the worker starts, stopped
 * once, in reverse order, by the {@link Lifecycle} it was registered with. It exists so that a stop
 * has one order and one time budget instead of each part choosing its own waits.
 */
public interface Managed {
  /** Starts the part; the default does nothing (a part that is ready once created). */
  default void start() throws Exception {}

  /**
   * Stops the part, taking at most {@code budget} (its share of the worker's stop); a part that needs
   * less returns sooner. Called once, from the thread that stops the worker.
   */
  void stop(Duration budget) throws Exception;
}
