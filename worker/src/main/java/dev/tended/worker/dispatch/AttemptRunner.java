package dev.tended.worker.dispatch;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.io.SafeFileNames;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemNotRunningException;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.ItemLedger;
import dev.tended.io.IoErrors;
import dev.tended.logging.Kv;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.RunningHandler;
import dev.tended.status.ItemResult;
import dev.tended.worker.results.ResultWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt of one claimed item on the calling handler thread and records its outcome: the
 * result file first (for a finished item), then the ledger transition, retrying both until they are
 * on disk (a full disk must not turn into a lost outcome). An attempt cancelled because the worker is
 * stopping hands its item back to pending.
 *
 * <p>Thread-safe: holds no per-attempt state; the set of running handlers is concurrent.
 */
final class AttemptRunner {
  private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);
  private static final Duration RECORD_RETRY_MAX = Duration.ofSeconds(30);

  private final TendedConfig config;
  private final ItemLedger ledger;
  private final HandlerStarter runner;
  private final ResultWriter results;
  private final Clock clock;
  private final BooleanSupplier stopping;
  /** Per source, why the last outcome could not be written (until one is): shown in the status file. */
  private final Map<String, String> recordErrors;
  private final Set<RunningHandler> active = ConcurrentHashMap.newKeySet();

  AttemptRunner(TendedConfig config, ItemLedger ledger, HandlerStarter runner, ResultWriter results, Clock clock,
      BooleanSupplier stopping, Map<String, String> recordErrors) {
    this.recordErrors = recordErrors;
    this.config = config;
    this.ledger = ledger;
    this.runner = runner;
    this.results = results;
    this.clock = clock;
    this.stopping = stopping;
  }

  /** Asks every running handler to stop (TERM, grace, KILL); their items are handed back. */
  void cancelAll() {
    active.forEach(RunningHandler::cancel);
  }

  int activeCount() {
    return active.size();
  }

  /**
   * Runs the attempt and records its outcome; never throws for a problem of this item. An item
   * whose recorded attempts already reached {@code maxAttempts} (a crash interrupted its last one)
   * goes dead without running; one whose request cannot be built goes dead at once; any other
   * unexpected exception is a failed attempt (retried, then dead).
   */
  Completion.Kind run(SourceConfig source, Backoff backoff, ItemRecord item) {
    int attempt = item.attempts();
    int maxAttempts = source.retry().maxAttempts();
    if (attempt > maxAttempts) {
      return notRunAgain(source, item, maxAttempts);
    }
    Path workDir = config.workDir().resolve(SafeFileNames.forId(source.name())).resolve(SafeFileNames.forId(item.id()));
    Path input = workDir.resolve("input.json");
    HandlerRequest request;
    try {
      request = request(source, item, workDir, input, attempt);
    } catch (IllegalArgumentException e) {
      Instant now = clock.instant();
      HandlerResult none = new HandlerResult(HandlerResult.Ending.FAILED_TO_START, -1, now, now, "", "",
          "request cannot be built: " + e.getMessage());
      return conclude(source, backoff, item, none, Verdict.deadAtOnce(none.detail()));
    }
    HandlerResult result;
    try {
      Files.createDirectories(workDir);
      Files.writeString(input, item.payload(), StandardCharsets.UTF_8);
      log.info("item_started source={} id={} attempt={} seq={}", source.name(), Kv.q(item.id()), attempt, item.seq());
      result = runHandler(request);
    } catch (IOException e) {
      Instant now = clock.instant();
      result = new HandlerResult(HandlerResult.Ending.FAILED_TO_START, -1, now, now, "", "",
          "cannot prepare work folder " + workDir + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ledger.handBack(item.seq(), "worker stopping");
      log.info("item_handed_back source={} id={} attempt={} reason=interrupted", source.name(), Kv.q(item.id()), attempt);
      return Completion.Kind.NEUTRAL;
    } catch (RuntimeException e) {
      log.error("attempt_crashed source={} id={} attempt={} error={}", source.name(), Kv.q(item.id()), attempt,
          Kv.q(e.toString()), e);
      Instant now = clock.instant();
      result = new HandlerResult(HandlerResult.Ending.FAILED_TO_START, -1, now, now, "", "",
          "unexpected error running the handler: " + e);
      return conclude(source, backoff, item, result, Verdict.failure(result.detail(), attempt, maxAttempts));
    }
    if (result.ending() == HandlerResult.Ending.CANCELLED) {
      ledger.handBack(item.seq(), "worker stopping");
      log.info("item_handed_back source={} id={} attempt={} reason=stopping", source.name(), Kv.q(item.id()), attempt);
      return Completion.Kind.NEUTRAL;
    }
    return conclude(source, backoff, item, result, Verdict.of(result, attempt, maxAttempts));
  }

  /** Records {@code verdict} (result file, then ledger), logs it and says what the breaker should count. */
  private Completion.Kind conclude(SourceConfig source, Backoff backoff, ItemRecord item, HandlerResult result,
      Verdict verdict) {
    int attempt = item.attempts();
    Instant nextAttemptAt = null;
    if (verdict.state() == ItemState.FAILED) {
      nextAttemptAt = clock.instant().plus(backoff.delay(attempt));
    }
    Instant retryAt = nextAttemptAt;
    ItemResult written = verdict.state() == ItemState.FAILED ? null : itemResult(source, item, attempt, result, verdict);
    if (!record(source, item, written, () -> ledger.finish(item.seq(), verdict.state(),
        result.ending() == HandlerResult.Ending.EXITED ? result.exitCode() : null, verdict.detail(), retryAt))) {
      return Completion.Kind.NEUTRAL;
    }
    long ms = result.duration().toMillis();
    switch (verdict.state()) {
      case SUCCEEDED -> log.info("item_succeeded source={} id={} attempt={} duration_ms={}",
          source.name(), Kv.q(item.id()), attempt, ms);
      case FAILED -> log.warn("item_failed source={} id={} attempt={} duration_ms={} reason={} retry_in_ms={}",
          source.name(), Kv.q(item.id()), attempt, ms, Kv.q(verdict.detail()),
          Duration.between(clock.instant(), nextAttemptAt).toMillis());
      default -> log.error("item_dead source={} id={} attempt={} duration_ms={} reason={}",
          source.name(), Kv.q(item.id()), attempt, ms, Kv.q(verdict.detail()));
    }
    if (verdict.state() == ItemState.SUCCEEDED) {
      return Completion.Kind.HANDLER_SUCCEEDED;
    }
    return verdict.countsAgainstHandler() ? Completion.Kind.HANDLER_FAILED : Completion.Kind.NEUTRAL;
  }

  /**
   * A claimed item whose earlier attempts already reached {@code maxAttempts}: the last of them was
   * interrupted by a crash, so running it now would be attempt {@code maxAttempts + 1}. It goes dead
   * with the attempts that really ran.
   */
  private Completion.Kind notRunAgain(SourceConfig source, ItemRecord item, int maxAttempts) {
    int ran = item.attempts() - 1;
    String detail = "interrupted during its last attempt (attempt " + ran + " of " + maxAttempts + "); not run again";
    Instant now = clock.instant();
    HandlerResult none = new HandlerResult(HandlerResult.Ending.FAILED_TO_START, -1, now, now, "", "", detail);
    ItemResult written = itemResult(source, item, ran, none, new Verdict(ItemState.DEAD, detail, false));
    if (record(source, item, written, () -> ledger.deadWithoutRunning(item.seq(), detail))) {
      log.error("item_dead source={} id={} attempt={} duration_ms=0 reason={}", source.name(), Kv.q(item.id()), ran,
          Kv.q(detail));
    }
    return Completion.Kind.NEUTRAL;
  }

  private static ItemResult itemResult(SourceConfig source, ItemRecord item, int attempts, HandlerResult result,
      Verdict verdict) {
    return new ItemResult(source.name(), item.id(), item.contentHash(), verdict.state().wireName(), attempts,
        result.ending() == HandlerResult.Ending.EXITED ? result.exitCode() : null,
        result.startedAt(), result.finishedAt(), result.duration().toMillis(), verdict.detail(),
        result.stdoutTail(), result.stderrTail());
  }

  /** The attempt's request; throws {@link IllegalArgumentException} when the item cannot be passed to a handler. */
  private HandlerRequest request(SourceConfig source, ItemRecord item, Path workDir, Path input, int attempt) {
    Duration killGrace = source.handler().killGrace();
    Duration quarterStop = config.supervisor().stopGrace().dividedBy(4);
    if (killGrace.compareTo(quarterStop) > 0) {
      killGrace = quarterStop;
    }
    return new HandlerRequest(
        source.handler().command(),
        Map.of("TENDED_SOURCE", source.name(),
            "TENDED_ITEM_ID", item.id(),
            "TENDED_ATTEMPT", Integer.toString(attempt),
            "TENDED_IDEMPOTENCY_KEY", item.idempotencyKey(),
            "TENDED_WORK_DIR", workDir.toString()),
        config.dataDir(),
        input,
        workDir.resolve("attempt-" + attempt + ".stdout"),
        workDir.resolve("attempt-" + attempt + ".stderr"),
        source.handler().timeout(),
        killGrace,
        source.handler().maxOutputBytes());
  }

  private HandlerResult runHandler(HandlerRequest request) throws InterruptedException {
    RunningHandler handler = runner.start(request);
    active.add(handler);
    try {
      if (stopping.getAsBoolean()) {
        handler.cancel();
      }
      return handler.awaitResult();
    } catch (InterruptedException e) {
      handler.cancel();
      throw e;
    } finally {
      active.remove(handler);
    }
  }

  /** The ledger half of recording an outcome. */
  private interface LedgerStep {
    void run();
  }

  /**
   * Writes the outcome durably: {@code written} (when not null) to the results folder, then the
   * ledger step. False when the worker stopped before it could (the item stays running → recovered)
   * or the ledger no longer has the item running (retrying cannot help).
   */
  private boolean record(SourceConfig source, ItemRecord item, ItemResult written, LedgerStep ledgerStep) {
    Duration wait = Duration.ofMillis(250);
    while (true) {
      try {
        if (written != null) {
          results.write(written);
        }
        ledgerStep.run();
        recordErrors.remove(source.name());
        return true;
      } catch (ItemNotRunningException e) {
        recordErrors.remove(source.name());
        log.error("item_record_abandoned source={} id={} attempt={} reason={}", source.name(), Kv.q(item.id()),
            item.attempts(), Kv.q(e.getMessage() + ": the ledger was changed behind the worker; its outcome is not"
                + " recorded there"));
        return false;
      } catch (IOException | RuntimeException e) {
        String why = IoErrors.describe(e);
        recordErrors.put(source.name(), "cannot record the outcome of " + item.id() + ": " + why);
        log.error("item_record_failed source={} id={} attempt={} disk_full={} error={} retry_in_ms={}",
            source.name(), Kv.q(item.id()), item.attempts(), IoErrors.diskFull(e), Kv.q(why), wait.toMillis());
        if (stopping.getAsBoolean()) {
          return false;
        }
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
        wait = wait.multipliedBy(2).compareTo(RECORD_RETRY_MAX) > 0 ? RECORD_RETRY_MAX : wait.multipliedBy(2);
      }
    }
  }
}
