package dev.tended.worker.dispatch;

import dev.tended.io.IoErrors;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.ItemNotRunningException;
import dev.tended.ledger.ItemRecord;
import dev.tended.status.ItemResult;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.results.ResultWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Makes one attempt's outcome durable: the result file first (for a finished item: succeeded or
 * dead, not one to be retried), then the ledger transition, retrying both with a growing wait (250 ms doubling to 30 s) until they are on disk, so
 * that a full disk or a permission problem delays an outcome instead of losing it. Gives up only when
 * the worker stops (seen within {@link #STOP_CHECK} even during a long wait; the caller then hands the
 * item back, or, when even that fails, it stays running and is recovered at the next start) or when
 * the ledger no longer has the item running (retrying cannot help).
 *
 * <p>Thread-safe: stateless; each handler thread records its own attempt.
 */
final class OutcomeRecorder {
  static final Duration FIRST_WAIT = Duration.ofMillis(250);
  static final Duration LONGEST_WAIT = Duration.ofSeconds(30);
  /** How often a wait between tries looks whether the worker is stopping. */
  static final Duration STOP_CHECK = Duration.ofMillis(100);

  /** The ledger half of recording an outcome. */
  @FunctionalInterface
  interface LedgerStep {
    void run();
  }

  /** How recording ended. */
  enum Recorded {
    /** Result file and ledger transition are on disk. */
    YES,
    /** The ledger no longer has the item running: not recorded there, and nothing more to do. */
    ABANDONED,
    /** The worker stopped while recording kept failing: the item stays running. */
    STOPPED_WHILE_FAILING
  }

  private final ResultWriter results;
  private final BooleanSupplier stopping;
  private final LongFunction<List<AttemptRecord>> earlierAttempts;
  private final java.util.function.LongPredicate stillHeld;

  /**
   * @param earlierAttempts an item version's attempts as the ledger holds them (for the result file)
   * @param stillHeld whether the attempt at a seq is still this node's ({@link dev.tended.ledger.ItemLedger#holds}):
   *     asked before the result file is written, so that an attempt another node took over leaves none
   */
  OutcomeRecorder(ResultWriter results, BooleanSupplier stopping, LongFunction<List<AttemptRecord>> earlierAttempts,
      java.util.function.LongPredicate stillHeld) {
    this.results = Objects.requireNonNull(results);
    this.stopping = Objects.requireNonNull(stopping);
    this.earlierAttempts = Objects.requireNonNull(earlierAttempts);
    this.stillHeld = Objects.requireNonNull(stillHeld);
  }

  /**
   * Writes the result file of {@code item} after {@code attempts} attempts (when {@code verdict}
   * finishes it: succeeded or dead), then runs {@code ledgerStep}, until both succeed. Each failure is logged and passed
   * to {@code failing} with a sentence for the status file, so that the dispatcher can show it while
   * it lasts.
   */
  Recorded record(ItemRecord item, int attempts, HandlerResult result, Verdict verdict, LedgerStep ledgerStep,
      Consumer<String> failing) {
    Duration wait = FIRST_WAIT;
    while (true) {
      try {
        if (!stillHeld.test(item.seq())) {
          throw new ItemNotRunningException(item.seq());
        }
        if (verdict.finishesItem()) {
          results.write(itemResult(item, attempts, result, verdict));
        }
        ledgerStep.run();
        return Recorded.YES;
      } catch (ItemNotRunningException e) {
        ItemEvents.recordAbandoned(item, e.getMessage());
        return Recorded.ABANDONED;
      } catch (IOException | RuntimeException e) {
        String why = IoErrors.describe(e);
        failing.accept("cannot record the outcome of " + item.id() + ": " + why);
        ItemEvents.recordFailed(item, IoErrors.diskFull(e), why, wait.toMillis());
        if (!waitUnlessStopping(wait)) {
          return Recorded.STOPPED_WHILE_FAILING;
        }
        wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
      }
    }
  }

  /**
   * Writes the result file of an item the ledger has already finished (an operator's cancel of a
   * waiting item), once; a failure is logged, the ledger stays as it is.
   */
  void writeResult(ItemRecord item, int attempts, HandlerResult result, Verdict verdict) {
    try {
      results.write(itemResult(item, attempts, result, verdict));
    } catch (IOException | RuntimeException e) {
      ItemEvents.resultNotWritten(item, IoErrors.describe(e));
    }
  }

  /**
   * Waits {@code wait} before the next try, looking at {@code stopping} every {@link #STOP_CHECK}, so
   * that a stop (the supervisor replacing a worker that cannot record) is seen at once, not after a
   * wait of up to {@link #LONGEST_WAIT}; false when the worker is stopping or the thread interrupted.
   */
  private boolean waitUnlessStopping(Duration wait) {
    long end = System.nanoTime() + wait.toNanos();
    try {
      for (long left; !stopping.getAsBoolean(); ) {
        left = end - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        Thread.sleep(Math.max(1, Math.min(left / 1_000_000, STOP_CHECK.toMillis())));
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** The result file: the earlier attempts as the ledger ended them, then this one. */
  private ItemResult itemResult(ItemRecord item, int attempts, HandlerResult result, Verdict verdict) {
    Integer exitCode = result.ending() == HandlerResult.Ending.EXITED ? result.exitCode() : null;
    List<ItemResult.Attempt> history = new ArrayList<>();
    int current = item.attempts();
    for (AttemptRecord a : earlierAttempts.apply(item.seq())) {
      if (a.ending() != null) {
        history.add(new ItemResult.Attempt(a.attempt(), a.ending().wireName(), a.exitCode(), a.startedAt(),
            a.finishedAt(), a.detail()));
      } else {
        current = a.attempt(); // the one running now, as claimed
      }
    }
    history.add(new ItemResult.Attempt(current, verdict.ending().wireName(), exitCode, result.startedAt(),
        result.finishedAt(), verdict.detail()));
    return new ItemResult(item.source(), item.id(), item.contentHash(), verdict.state().wireName(), attempts,
        exitCode, result.startedAt(), result.finishedAt(), result.duration().toMillis(), verdict.detail(),
        result.stdoutTail(), result.stderrTail(), history);
  }
}
