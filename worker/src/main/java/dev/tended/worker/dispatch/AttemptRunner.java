package dev.tended.worker.dispatch;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.ItemLedger;
import dev.tended.worker.dispatch.OutcomeRecorder.Recorded;
import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.handler.RunningHandler;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.results.ResultWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Takes one claimed item through one attempt on the calling handler thread: its request
 * ({@link HandlerRequests}) and work folder ({@link WorkFolder}), the handler ({@link ActiveHandlers}),
 * the {@link Verdict}, the durable record of the outcome ({@link OutcomeRecorder}) and its events
 * ({@link ItemEvents}). An attempt cancelled because the worker is stopping hands its item back to
 * pending; one whose handler died with its worker is recorded as interrupted (not counted); one whose
 * handler was detached for the next worker changes nothing in the ledger. From the moment the handler is done until its {@link Completion} is posted, the attempt
 * is an open task on the {@link ProgressBoard} ({@link #recordingTask}): a handler thread stuck there
 * (blocked in a write, a lock, a log call, or recording that keeps failing) stops the heartbeat once
 * it is past the wedge limit, while a handler that runs long does not.
 *
 * <p>Thread-safe: holds no per-attempt state.
 */
final class AttemptRunner {
  /** How an attempt ended for the dispatcher: what its breaker counts, and whether its outcome is still unrecorded. */
  record Ended(Completion.Kind kind, boolean unrecorded) {
    static final Ended NEUTRAL = new Ended(Completion.Kind.NEUTRAL, false);

    static Ended notRecorded(Recorded recorded) {
      return new Ended(Completion.Kind.NEUTRAL, recorded == Recorded.STOPPED_WHILE_FAILING);
    }
  }

  /** An attempt an earlier worker started, taken over by this one: its item, its settings and its handler. */
  record Adopted(ItemRecord item, AttemptSpec spec, RunningHandler handler) {}

  private final Path workDir;
  private final HandlerRequests requests;
  private final ItemLedger ledger;
  private final ActiveHandlers handlers;
  private final OutcomeRecorder recorder;
  private final Clock clock;
  private final ProgressBoard progress;
  private final Supplier<ActiveHandlers.Leaving> leaving;

  AttemptRunner(TendedConfig config, ItemLedger ledger, HandlerStarter runner, ResultWriter results, Clock clock,
      Supplier<ActiveHandlers.Leaving> leaving, ProgressBoard progress) {
    this.progress = progress;
    this.workDir = config.workDir();
    this.requests = new HandlerRequests(config);
    this.ledger = ledger;
    this.leaving = leaving;
    this.handlers = new ActiveHandlers(runner, leaving);
    this.recorder = new OutcomeRecorder(results, () -> leaving.get() != ActiveHandlers.Leaving.NO, ledger::attempts,
        ledger::holds);
    this.clock = clock;
  }

  /** Asks every running handler to stop (TERM, grace, KILL); their items are handed back. */
  void cancelAll() {
    handlers.cancelAll();
  }

  /** Lets go of every running handler for the next worker; their items stay running in the ledger. */
  void detachAll() {
    handlers.detachAll();
  }

  int activeCount() {
    return handlers.count();
  }

  /**
   * An operator's pause without drain: asks every running handler of {@code source} to stop; each
   * item goes back to pending when its handler is gone, no attempt counted.
   */
  List<ItemRecord> handBackSource(String source, String askedBy) {
    return handlers.stopSource(source, new ActiveHandlers.StopAsked(ActiveHandlers.StopAsked.Why.PAUSE, askedBy));
  }

  /**
   * An operator's cancel of a running item: asks its handler to stop (TERM, kill grace, KILL); the
   * item ends dead, ending {@code cancelled}, once its processes are gone. Empty when no handler of
   * that item runs here.
   */
  Optional<ItemRecord> cancelRunning(String source, String id, String askedBy) {
    return handlers.stopItem(source, id, new ActiveHandlers.StopAsked(ActiveHandlers.StopAsked.Why.CANCEL, askedBy));
  }

  /**
   * Another node took these attempts over: their handlers stop (TERM, kill grace, KILL) and nothing
   * of them is recorded. Returns the items whose handlers ran here.
   */
  List<ItemRecord> stopLost(java.util.Set<Long> seqs) {
    ActiveHandlers.StopAsked lost = new ActiveHandlers.StopAsked(ActiveHandlers.StopAsked.Why.LEASE_LOST, "");
    return seqs.stream().flatMap(seq -> handlers.stopSeq(seq, lost).stream()).toList();
  }

  /**
   * An operator's cancel of a waiting item (pending, or failed and waiting for its retry): dead at
   * once in the ledger, no attempt counted, with its result file and {@code item_dead}. Empty when no
   * version of it waits.
   */
  Optional<ItemRecord> cancelWaiting(String source, String id, String askedBy) {
    Verdict verdict = Verdict.cancelled(askedBy);
    Optional<ItemRecord> dead = ledger.cancelWaiting(source, id, verdict.detail());
    dead.ifPresent(item -> {
      recorder.writeResult(item, item.attempts(), notRun(verdict.detail()), verdict);
      ItemEvents.dead(item, item.attempts(), 0, verdict.detail(), "");
    });
    return dead;
  }

  /**
   * Takes over the handler an earlier worker recorded for {@code item} as {@code recorded}, started
   * with {@code spec}: the request is rebuilt from the spec, never from today's configuration. Never
   * throws; {@link #runAdopted} then waits for it and records its outcome.
   */
  Adopted adopt(ItemRecord item, AttemptSpec spec, HandlerRecord recorded) {
    WorkFolder folder = WorkFolder.of(workDir, item);
    HandlerRequest request = requests.forAttempt(item.source(), spec, item, folder, recorded.attempt(),
        recorded.token());
    return new Adopted(item, spec, handlers.adopt(item, request, recorded));
  }

  /**
   * Runs the attempt and records its outcome; never throws for a problem of this item. An item
   * whose recorded attempts already reached {@code maxAttempts} (a crash interrupted its last one)
   * goes dead without running; one whose request cannot be built goes dead at once; any other
   * unexpected exception is a failed attempt (retried, then dead). Each failure to record the
   * outcome is passed to {@code recordFailing} while recording keeps trying. Once the handler
   * started, its processes are recorded in the ledger with the attempt's {@link AttemptSpec}, so
   * that a worker that dies leaves it to the next one.
   */
  Ended run(SourceConfig source, Backoff backoff, ItemRecord item, Consumer<String> recordFailing) {
    int attempt = item.attempts();
    int maxAttempts = source.retry().maxAttempts();
    if (attempt > maxAttempts) {
      progress.taskStarted(recordingTask(item));
      return notRunAgain(item, maxAttempts, recordFailing);
    }
    if (leaving.get() == ActiveHandlers.Leaving.HAND_OVER) {
      return handBack(item, attempt, "handing_over");
    }
    WorkFolder folder = WorkFolder.of(workDir, item);
    AttemptSpec spec = requests.spec(source);
    HandlerRequest request;
    try {
      request = requests.forAttempt(source, item, folder, attempt);
    } catch (IllegalArgumentException e) {
      HandlerResult none = notRun("request cannot be built: " + e.getMessage());
      progress.taskStarted(recordingTask(item));
      return conclude(backoff, item, none, Verdict.deadAtOnce(none.detail()), recordFailing);
    }
    HandlerResult result;
    AtomicReference<RunningHandler> handler = new AtomicReference<>();
    try {
      folder.prepare(item.payload(), attempt);
      ItemEvents.started(item, attempt);
      result = handlers.run(item, request, started -> {
        handler.set(started);
        recordStarted(item, attempt, request.token(), spec, started);
      });
    } catch (IOException e) {
      result = notRun("cannot prepare work folder " + folder.dir() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return handBack(item, attempt, "interrupted");
    } catch (RuntimeException e) {
      progress.taskStarted(recordingTask(item));
      ItemEvents.crashed(item, attempt, e);
      result = notRun("unexpected error running the handler: " + e);
      return conclude(backoff, item, result,
          Verdict.failure(AttemptEnding.NOT_STARTED, result.detail(), attempt, maxAttempts), recordFailing);
    }
    return released(handler.get(), result, ended(backoff, item, spec, result, recordFailing));
  }

  /**
   * Waits for an {@link #adopt}ed attempt and records its outcome exactly as {@link #run} records a
   * started one, with the verdict, retry and interruption settings it was started with.
   */
  Ended runAdopted(Adopted adopted, Backoff backoff, Consumer<String> recordFailing) {
    ItemRecord item = adopted.item();
    HandlerResult result;
    try {
      result = handlers.awaitAdopted(adopted.handler());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return handBack(item, item.attempts(), "interrupted");
    } catch (RuntimeException e) {
      progress.taskStarted(recordingTask(item));
      ItemEvents.crashed(item, item.attempts(), e);
      result = notRun("unexpected error watching the adopted handler: " + e);
      return conclude(backoff, item, result,
          Verdict.failure(AttemptEnding.NOT_STARTED, result.detail(), item.attempts(), adopted.spec().maxAttempts()),
          recordFailing);
    }
    return released(adopted.handler(), result, ended(backoff, item, adopted.spec(), result, recordFailing));
  }

  /**
   * Once the outcome is durable, lets the attempt's handler forget its recorded exit status; while it
   * is not (the item stays running: a detached handler, or a worker stopping while recording failed),
   * the exit status stays for the next worker to collect.
   */
  private static Ended released(RunningHandler handler, HandlerResult result, Ended ended) {
    if (handler != null && result.ending() != HandlerResult.Ending.DETACHED && !ended.unrecorded()) {
      handler.outcomeRecorded();
    }
    return ended;
  }

  /** An attempt's result, whatever the way it was watched, to its record in the ledger. */
  private Ended ended(Backoff backoff, ItemRecord item, AttemptSpec spec, HandlerResult result,
      Consumer<String> recordFailing) {
    int attempt = item.attempts();
    Optional<ActiveHandlers.StopAsked> asked = handlers.takeStopAsked(item.seq());
    switch (result.ending()) {
      case DETACHED -> {
        ItemEvents.detached(item, attempt);
        return Ended.NEUTRAL;
      }
      case CANCELLED -> {
        if (asked.isEmpty()) {
          return handBack(item, attempt, "stopping");
        }
        if (asked.get().why() == ActiveHandlers.StopAsked.Why.LEASE_LOST) {
          ItemEvents.recordAbandoned(item, "its lease was taken over by another node");
          return Ended.NEUTRAL;
        }
        if (asked.get().why() == ActiveHandlers.StopAsked.Why.PAUSE) {
          return handBack(item, attempt, "paused", "paused by an operator (" + asked.get().askedBy() + ")");
        }
        progress.taskStarted(recordingTask(item));
        return conclude(backoff, item, result, Verdict.cancelled(asked.get().askedBy()), recordFailing);
      }
      case INTERRUPTED -> {
        progress.taskStarted(recordingTask(item));
        return interrupted(spec.maxInterruptions(), item, result, recordFailing);
      }
      default -> { }
    }
    progress.taskStarted(recordingTask(item));
    return conclude(backoff, item, result, Verdict.of(result, attempt, spec.maxAttempts()), recordFailing);
  }

  /**
   * Records the started handler's processes with the attempt's spec. A failure to record them is
   * logged and the attempt goes on: should this worker die, the next one still finds the handler by
   * its marker.
   */
  private void recordStarted(ItemRecord item, int attempt, String token, AttemptSpec spec, RunningHandler started) {
    started.processes().ifPresent(p -> {
      try {
        ledger.handlerStarted(new HandlerRecord(item.seq(), attempt, token, p.bootId(), p.waiterPid(),
            p.waiterStartTicks(), p.handlerPid(), p.handlerStartTicks(), p.startedAt(), spec.toJson()));
      } catch (RuntimeException e) {
        ItemEvents.handlerNotRecorded(item, attempt, e);
      }
    });
  }

  /**
   * A running item whose handler ran in an earlier boot, found by a starting worker: interrupted, as
   * if its handler had been seen gone without an exit status.
   */
  Ended interruptedBeforeBoot(ItemRecord item, int maxInterruptions, String detail) {
    Instant at = item.lastStartedAt() != null ? item.lastStartedAt() : clock.instant();
    HandlerResult lost = new HandlerResult(HandlerResult.Ending.INTERRUPTED, -1, at, at, "", "", detail);
    progress.taskStarted(recordingTask(item));
    try {
      return interrupted(maxInterruptions, item, lost, why -> { });
    } finally {
      outcomePosted(item);
    }
  }

  /** A running item whose handler never started (the worker died first): back to pending, no attempt counted. */
  void neverStarted(ItemRecord item) {
    ledger.handBack(item.seq(), "its handler never started: the worker stopped first");
    ItemEvents.handedBack(item, item.attempts(), "never_started");
  }

  /**
   * The {@link ProgressBoard} task of recording {@code item}'s outcome, open from the end of its
   * handler until the dispatcher is told ({@link #outcomePosted}); its name is what
   * {@code heartbeat_withheld} shows.
   */
  static String recordingTask(ItemRecord item) {
    return "record-" + item.source() + " seq=" + item.seq() + " id=" + item.id();
  }

  /** The attempt's {@link Completion} is posted: whatever it was doing since its handler ended is over. */
  void outcomePosted(ItemRecord item) {
    progress.taskEnded(recordingTask(item));
  }

  /** Records {@code verdict} (result file unless it is retried, then the ledger) and logs it. */
  private Ended conclude(Backoff backoff, ItemRecord item, HandlerResult result, Verdict verdict,
      Consumer<String> recordFailing) {
    int attempt = item.attempts();
    boolean retried = verdict.state() == ItemState.FAILED;
    Instant retryAt = retried ? clock.instant().plus(backoff.delay(attempt)) : null;
    Integer exitCode = result.ending() == HandlerResult.Ending.EXITED ? result.exitCode() : null;
    Recorded recorded = recorder.record(item, attempt, result, verdict,
        () -> ledger.finish(item.seq(), verdict.state(), verdict.ending(), exitCode, verdict.detail(), retryAt),
        recordFailing);
    if (recorded != Recorded.YES) {
      return notRecorded(item, recorded);
    }
    ItemEvents.concluded(item, attempt, result, verdict,
        retried ? Duration.between(clock.instant(), retryAt) : Duration.ZERO);
    return new Ended(verdict.forBreaker(), false);
  }

  /**
   * The handler died with its worker: the attempt is not counted, the item runs again first in line,
   * or is dead once it was interrupted {@code retry.maxInterruptions} times.
   */
  private Ended interrupted(int max, ItemRecord item, HandlerResult result, Consumer<String> recordFailing) {
    Verdict verdict = Verdict.interrupted(item.interruptions(), result.detail(), max);
    Recorded recorded = recorder.record(item, item.attempts() - 1, result, verdict,
        () -> ledger.interrupted(item.seq(), result.detail(), max), recordFailing);
    if (recorded != Recorded.YES) {
      return notRecorded(item, recorded);
    }
    if (verdict.state() == ItemState.DEAD) {
      ItemEvents.dead(item, item.attempts(), result.duration().toMillis(), verdict.detail(), result.stderrTail());
    } else {
      ItemEvents.interrupted(item, item.attempts(), item.interruptions() + 1, max, result.detail());
    }
    return new Ended(verdict.forBreaker(), false);
  }

  /**
   * A claimed item whose earlier attempts already reached {@code maxAttempts}: the last of them was
   * interrupted by a crash, so running it now would be attempt {@code maxAttempts + 1}. It goes dead
   * with the attempts that really ran.
   */
  private Ended notRunAgain(ItemRecord item, int maxAttempts, Consumer<String> recordFailing) {
    int ran = item.attempts() - 1;
    String detail = "interrupted during its last attempt (attempt " + ran + " of " + maxAttempts + "); not run again";
    Recorded recorded = recorder.record(item, ran, notRun(detail), new Verdict(ItemState.DEAD, AttemptEnding.NOT_STARTED, detail, false),
        () -> ledger.deadWithoutRunning(item.seq(), detail), recordFailing);
    if (recorded != Recorded.YES) {
      return notRecorded(item, recorded);
    }
    ItemEvents.dead(item, ran, 0, detail, "");
    return Ended.NEUTRAL;
  }

  /**
   * An outcome that was not recorded. When the worker stopped while recording kept failing (the
   * supervisor replacing a worker that cannot record), the item is handed back once more, so that
   * the restart does not cost it an attempt; when even that fails it stays running and the next start
   * recovers it with the attempt counted.
   */
  private Ended notRecorded(ItemRecord item, Recorded recorded) {
    if (recorded != Recorded.STOPPED_WHILE_FAILING) {
      return Ended.notRecorded(recorded);
    }
    try {
      ledger.handBack(item.seq(), "worker stopping; its outcome could not be recorded");
    } catch (RuntimeException e) {
      return Ended.notRecorded(recorded);
    }
    ItemEvents.handedBack(item, item.attempts(), "outcome_not_recorded");
    return Ended.NEUTRAL;
  }

  private Ended handBack(ItemRecord item, int attempt, String reason) {
    return handBack(item, attempt, reason, "worker stopping");
  }

  private Ended handBack(ItemRecord item, int attempt, String reason, String detail) {
    ledger.handBack(item.seq(), detail);
    ItemEvents.handedBack(item, attempt, reason);
    return Ended.NEUTRAL;
  }

  /** The result of an attempt whose handler never ran. */
  private HandlerResult notRun(String detail) {
    Instant now = clock.instant();
    return new HandlerResult(HandlerResult.Ending.FAILED_TO_START, -1, now, now, "", "", detail);
  }
}
