package dev.tended.worker.retention;

import dev.tended.config.RetentionConfig;
import dev.tended.ledger.LedgerPruning;
import dev.tended.logging.Kv;
import dev.tended.retention.PruneReport;
import dev.tended.retention.RetentionRun;
import dev.tended.worker.lifecycle.Managed;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's retention: every {@code retention.pruneEvery}, on a thread of its own ({@code prune}),
 * one {@link RetentionRun} in small batches on the worker's ledger, never on the heartbeat's or the
 * dispatcher's thread; they wait for one batch at most. A run that removed something logs one
 * summary; a run that fails is logged and the next one tries again.
 *
 * <p>Its thread owns the runs; {@link #stop} ends the current one after its batch.
 */
public final class Pruner implements Managed {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);

  private final RetentionConfig config;
  private final LedgerPruning ledger;
  private final RetentionRun run;
  private final String ledgerFile;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "prune");
    t.setDaemon(true);
    return t;
  });
  private boolean conversionLogged;

  public Pruner(RetentionConfig config, LedgerPruning ledger, RetentionRun run, String ledgerFile) {
    this.config = Objects.requireNonNull(config);
    this.ledger = Objects.requireNonNull(ledger);
    this.run = Objects.requireNonNull(run);
    this.ledgerFile = Objects.requireNonNull(ledgerFile);
  }

  @Override
  public void start() {
    long every = config.pruneEvery().toMillis();
    thread.scheduleWithFixedDelay(this::runOnce, every, every, TimeUnit.MILLISECONDS);
  }

  /** One run; everything it throws is logged here (a scheduled task that throws is never run again). */
  void runOnce() {
    try {
      PruneReport r = run.run(ledger, stopped::get);
      if (r.removedAnything()) {
        log.info("retention_pruned succeeded={} dead={} identities={} result_files={} work_folders={}"
                + " file_failures={} bytes_given_back={} ledger_bytes_given_back={} batches={} longest_batch_ms={}"
                + " took_ms={}", r.succeeded(), r.dead(), r.identities(), r.resultFiles(), r.workFolders(),
            r.fileFailures(), r.bytesGivenBack(), r.ledgerBytes(), r.batches(), r.longestBatchMs(), r.tookMs());
      }
      if (r.items() > 0 && !conversionLogged && !ledger.givesSpaceBack()) {
        conversionLogged = true;
        log.warn("retention_ledger_keeps_space file={} action={}", Kv.q(ledgerFile),
            Kv.q("made before issue 13, it reuses the space of pruned items but never gives it back; "
                + "run `tended prune --config FILE` once (it rewrites the file)"));
      }
    } catch (RuntimeException | Error e) {
      log.warn("retention_run_failed error={} action={}", Kv.q(String.valueOf(e.getMessage())),
          Kv.q("tried again in " + config.pruneEvery()));
    }
  }

  @Override
  public void stop(Duration budget) throws InterruptedException {
    if (stopped.getAndSet(true)) {
      return;
    }
    thread.shutdownNow();
    if (!thread.awaitTermination(budget.toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn("retention_stop_timed_out budget_ms={}", budget.toMillis());
    }
  }
}
