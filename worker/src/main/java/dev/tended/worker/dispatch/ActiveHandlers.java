package dev.tended.worker.dispatch;

import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.handler.RunningHandler;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs handlers on the calling handler threads while keeping hold of every one still running, so
 * that the worker's end can reach them all: a stop cancels them, a hand-over detaches them. A handler
 * started (or adopted) once the worker is leaving is cancelled or detached at once, as the others.
 * An operator reaches them too, by source (a pause that hands running items back) or by item (a
 * cancel); why a handler was asked to stop is kept until its attempt's outcome is decided.
 *
 * <p>Thread-safe: the running handlers and the stop requests are concurrent maps.
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
  /** Why an operator asked a running handler to stop. */
  record StopAsked(Why why, String askedBy) {
    enum Why {
      /** A pause without drain: the item goes back to pending, no attempt counted. */
      PAUSE,
      /** A cancel: the item ends dead. */
      CANCEL,
      /**
       * Another node took the attempt over (this node did not renew its lease in time): the handler
       * stops and nothing is recorded, the attempt being the new owner's.
       */
      LEASE_LOST
    }
  }

  private final Map<RunningHandler, ItemRecord> running = new ConcurrentHashMap<>();
  private final Map<Long, StopAsked> stopsAsked = new ConcurrentHashMap<>();

  ActiveHandlers(HandlerStarter starter, Supplier<Leaving> leaving) {
    this.starter = Objects.requireNonNull(starter);
    this.leaving = Objects.requireNonNull(leaving);
  }

  /**
   * Starts the handler, gives it to {@code started} (which records its processes) and waits for its
   * result; an interrupt cancels it before this throws.
   */
  HandlerResult run(ItemRecord item, HandlerRequest request, Consumer<RunningHandler> started)
      throws InterruptedException {
    RunningHandler handler = starter.start(request);
    running.put(handler, item);
    try {
      started.accept(handler);
      return watch(handler);
    } finally {
      running.remove(handler);
    }
  }

  /** Takes over the handler an earlier worker recorded as {@code recorded} and waits for its result. */
  RunningHandler adopt(ItemRecord item, HandlerRequest request, HandlerRecord recorded) {
    RunningHandler handler = starter.adopt(request, recorded);
    running.put(handler, item);
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
    running.keySet().forEach(RunningHandler::cancel);
  }

  /** Lets go of every running handler without stopping it, for the next worker to adopt. */
  void detachAll() {
    running.keySet().forEach(RunningHandler::detach);
  }

  /** Asks every running handler of {@code source} to stop, for {@code why}; returns their items. */
  List<ItemRecord> stopSource(String source, StopAsked why) {
    List<ItemRecord> stopped = new java.util.ArrayList<>();
    running.forEach((handler, item) -> {
      if (item.source().equals(source)) {
        stop(handler, item, why);
        stopped.add(item);
      }
    });
    return stopped;
  }

  /** Asks the running handler of item {@code source/id}, if one runs, to stop, for {@code why}. */
  Optional<ItemRecord> stopItem(String source, String id, StopAsked why) {
    return running.entrySet().stream()
        .filter(e -> e.getValue().source().equals(source) && e.getValue().id().equals(id)).findFirst()
        .map(e -> {
          stop(e.getKey(), e.getValue(), why);
          return e.getValue();
        });
  }

  /** Asks the running handler of item version {@code seq}, if one runs, to stop, for {@code why}. */
  Optional<ItemRecord> stopSeq(long seq, StopAsked why) {
    return running.entrySet().stream().filter(e -> e.getValue().seq() == seq).findFirst().map(e -> {
      stop(e.getKey(), e.getValue(), why);
      return e.getValue();
    });
  }

  private void stop(RunningHandler handler, ItemRecord item, StopAsked why) {
    stopsAsked.putIfAbsent(item.seq(), why);
    handler.cancel();
  }

  /** Why the handler of item {@code seq} was asked to stop, if an operator asked; forgotten once read. */
  Optional<StopAsked> takeStopAsked(long seq) {
    return Optional.ofNullable(stopsAsked.remove(seq));
  }

  int count() {
    return running.size();
  }
}
