package dev.tended.worker.dispatch;

import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.handler.RunningHandler;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Runs handlers on the calling handler threads while keeping hold of every one still running, so
 * that a stop can cancel them all. A handler started once the worker is stopping is cancelled at
 * once (its item is handed back).
 *
 * <p>Thread-safe: the set of running handlers is concurrent.
 */
final class ActiveHandlers {
  private final HandlerStarter starter;
  private final BooleanSupplier stopping;
  private final Set<RunningHandler> running = ConcurrentHashMap.newKeySet();

  ActiveHandlers(HandlerStarter starter, BooleanSupplier stopping) {
    this.starter = Objects.requireNonNull(starter);
    this.stopping = Objects.requireNonNull(stopping);
  }

  /** Starts the handler and waits for its result; an interrupt cancels it before this throws. */
  HandlerResult run(HandlerRequest request) throws InterruptedException {
    RunningHandler handler = starter.start(request);
    running.add(handler);
    try {
      if (stopping.getAsBoolean()) {
        handler.cancel();
      }
      return handler.awaitResult();
    } catch (InterruptedException e) {
      handler.cancel();
      throw e;
    } finally {
      running.remove(handler);
    }
  }

  /** Asks every running handler to stop (TERM, grace, KILL). */
  void cancelAll() {
    running.forEach(RunningHandler::cancel);
  }

  int count() {
    return running.size();
  }
}
