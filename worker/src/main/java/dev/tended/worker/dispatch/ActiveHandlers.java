package dev.tended.worker.dispatch;

import dev.tended.ledger.HandlerRecord;
import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.handler.RunningHandler;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs handlers on the calling handler threads while keeping hold of every one still running, so
 * that the worker's end can reach them all: a stop cancels them, a hand-over detaches them. A handler
 * started (or adopted) once the worker is leaving is cancelled or detached at once, as the others.
 *
 * <p>Thread-safe: the set of running handlers is concurrent.
 */
final class ActiveHandlers {
  /** How the worker is leaving, if it is: what becomes of the handlers still running. */
  enum Leaving {
    /** Not leaving: handlers run to their outcome. */
    NO,
    /** A stop: handlers are cancelled and their items handed back. */
    STOP,
    /** A hand-over: handlers are detached and keep running for the next worker. */
    HAND_OVER
  }

  private final HandlerStarter starter;
  private final Supplier<Leaving> leaving;
  private final Set<RunningHandler> running = ConcurrentHashMap.newKeySet();

  ActiveHandlers(HandlerStarter starter, Supplier<Leaving> leaving) {
    this.starter = Objects.requireNonNull(starter);
    this.leaving = Objects.requireNonNull(leaving);
  }

  /**
   * Starts the handler, gives it to {@code started} (which records its processes) and waits for its
   * result; an interrupt cancels it before this throws.
   */
  HandlerResult run(HandlerRequest request, Consumer<RunningHandler> started) throws InterruptedException {
    RunningHandler handler = starter.start(request);
    running.add(handler);
    try {
      started.accept(handler);
      return watch(handler);
    } finally {
      running.remove(handler);
    }
  }

  /** Takes over the handler an earlier worker recorded as {@code recorded} and waits for its result. */
  RunningHandler adopt(HandlerRequest request, HandlerRecord recorded) {
    RunningHandler handler = starter.adopt(request, recorded);
    running.add(handler);
    return handler;
  }

  /** Waits for the result of a handler {@link #adopt}ed before; an interrupt cancels it before this throws. */
  HandlerResult awaitAdopted(RunningHandler handler) throws InterruptedException {
    try {
      return watch(handler);
    } finally {
      running.remove(handler);
    }
  }

  private HandlerResult watch(RunningHandler handler) throws InterruptedException {
    try {
      switch (leaving.get()) {
        case STOP -> handler.cancel();
        case HAND_OVER -> handler.detach();
        case NO -> { }
      }
      return handler.awaitResult();
    } catch (InterruptedException e) {
      handler.cancel();
      throw e;
    }
  }

  /** Asks every running handler to stop (TERM, grace, KILL). */
  void cancelAll() {
    running.forEach(RunningHandler::cancel);
  }

  /** Lets go of every running handler without stopping it, for the next worker to adopt. */
  void detachAll() {
    running.forEach(RunningHandler::detach);
  }

  int count() {
    return running.size();
  }
}
