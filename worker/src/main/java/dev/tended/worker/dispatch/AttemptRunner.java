package dev.tended.worker.dispatch;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.io.SafeFileNames;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.Ledger;
import dev.tended.logging.Kv;
import dev.tended.worker.handler.CommandRunner;
import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.RunningHandler;
import dev.tended.worker.results.ItemResult;
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
  private final Ledger ledger;
  private final CommandRunner runner;
  private final ResultWriter results;
  private final Clock clock;
  private final BooleanSupplier stopping;
  private final Set<RunningHandler> active = ConcurrentHashMap.newKeySet();

  AttemptRunner(TendedConfig config, Ledger ledger, CommandRunner runner, ResultWriter results, Clock clock,
      BooleanSupplier stopping) {
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

  Completion.Kind run(SourceConfig source, Backoff backoff, ItemRecord item) {
    int attempt = item.attempts();
    Path workDir = config.workDir().resolve(SafeFileNames.forId(source.name())).resolve(SafeFileNames.forId(item.id()));
    HandlerResult result;
    try {
      Files.createDirectories(workDir);
      Path input = workDir.resolve("input.json");
      Files.writeString(input, item.payload(), StandardCharsets.UTF_8);
      log.info("item_started source={} id={} attempt={} seq={}", source.name(), Kv.q(item.id()), attempt, item.seq());
      result = runHandler(source, item, workDir, input, attempt);
    } catch (IOException e) {
      Instant now = clock.instant();
      result = new HandlerResult(HandlerResult.Ending.FAILED_TO_START, -1, now, now, "", "",
          "cannot prepare work folder " + workDir + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ledger.handBack(item.seq(), "worker stopping");
      log.info("item_handed_back source={} id={} attempt={} reason=interrupted", source.name(), Kv.q(item.id()), attempt);
      return Completion.Kind.NEUTRAL;
    }
    if (result.ending() == HandlerResult.Ending.CANCELLED) {
      ledger.handBack(item.seq(), "worker stopping");
      log.info("item_handed_back source={} id={} attempt={} reason=stopping", source.name(), Kv.q(item.id()), attempt);
      return Completion.Kind.NEUTRAL;
    }
    Verdict verdict = Verdict.of(result, attempt, source.retry().maxAttempts());
    Instant nextAttemptAt = null;
    if (verdict.state() == ItemState.FAILED) {
      nextAttemptAt = clock.instant().plus(backoff.delay(attempt));
    }
    if (!record(source, item, result, verdict, nextAttemptAt)) {
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

  private HandlerResult runHandler(SourceConfig source, ItemRecord item, Path workDir, Path input, int attempt)
      throws InterruptedException {
    Duration killGrace = source.handler().killGrace();
    Duration quarterStop = config.supervisor().stopGrace().dividedBy(4);
    if (killGrace.compareTo(quarterStop) > 0) {
      killGrace = quarterStop;
    }
    HandlerRequest request = new HandlerRequest(
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

  /** Writes the outcome durably; false when the worker stopped before it could (the item stays running → recovered). */
  private boolean record(SourceConfig source, ItemRecord item, HandlerResult result, Verdict verdict,
      Instant nextAttemptAt) {
    Duration wait = Duration.ofMillis(250);
    while (true) {
      try {
        if (verdict.state() != ItemState.FAILED) {
          results.write(new ItemResult(source.name(), item.id(), item.contentHash(), verdict.state().wireName(),
              item.attempts(), result.ending() == HandlerResult.Ending.EXITED ? result.exitCode() : null,
              result.startedAt(), result.finishedAt(), result.duration().toMillis(), verdict.detail(),
              result.stdoutTail(), result.stderrTail()));
        }
        ledger.finish(item.seq(), verdict.state(),
            result.ending() == HandlerResult.Ending.EXITED ? result.exitCode() : null, verdict.detail(), nextAttemptAt);
        return true;
      } catch (IOException | RuntimeException e) {
        log.error("item_record_failed source={} id={} attempt={} error={} retry_in_ms={}",
            source.name(), Kv.q(item.id()), item.attempts(), Kv.q(e.getMessage()), wait.toMillis());
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
