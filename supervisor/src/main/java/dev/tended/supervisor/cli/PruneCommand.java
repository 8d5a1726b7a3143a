package dev.tended.supervisor.cli;

import dev.tended.config.Durations;
import dev.tended.config.RetentionConfig;
import dev.tended.config.TendedConfig;
import dev.tended.io.DataFolderLock;
import dev.tended.ledger.LedgerAdmin;
import dev.tended.ledger.LedgerPruning;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.LedgerStores;
import dev.tended.retention.PruneReport;
import dev.tended.retention.QuarantineTrim;
import dev.tended.retention.RetentionRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tended prune --config FILE [--dry-run]}: runs retention by hand, as the worker does every
 * {@code retention.pruneEvery} (same batches, safe while the worker runs), also trims each source's
 * quarantine copies to {@code quarantineKept}, and prints what it removed; with {@code --dry-run}
 * what it would remove, read-only. A ledger made before retention existed cannot give space back in
 * steps: when no worker holds the data folder, this command rewrites it once ({@code VACUUM}) so that
 * it can; with a worker running it says so and leaves the file as it is.
 */
@Command(name = "prune", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Prune finished items past their retention, now (what the worker does every retention.pruneEvery).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:pruned (or, with --dry-run, counted)", "78:bad configuration",
        "1:no ledger, or it cannot be read or written"})
final class PruneCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Option(names = "--dry-run", description = "only report what would be removed; change nothing")
  boolean dryRun;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      TendedConfig cfg = config.loadOrReport(err);
      if (cfg == null) {
        return ExitCodes.CONFIG;
      }
      LedgerStore store = LedgerStores.of(cfg);
      if (!store.present()) {
        err.println("prune: no ledger at " + store.describe() + " (has the worker run with this configuration?)");
        return ExitCodes.FAILURE;
      }
      RetentionConfig retention = cfg.retention();
      RetentionRun run = RetentionRun.of(retention, cfg.dataDir(), cfg.resultsDir(), cfg.workDir(), Clock.systemUTC());
      try {
        PruneReport report;
        String space;
        if (dryRun) {
          try (LedgerView view = store.openView()) {
            report = run.preview(view);
            space = view.givesSpaceBack() ? null
                : "the ledger was made before retention: a run without --dry-run rewrites it once (when no worker runs)"
                    + " so that it gives the space of pruned items back";
          }
        } else {
          try (LedgerAdmin admin = store.openAdmin(Clock.systemUTC())) {
            report = run.run(admin.pruning(), () -> false);
            Conversion c = convertIfIdle(cfg, admin.pruning());
            report = withLedgerBytes(report, c.bytes());
            space = c.note();
          }
        }
        QuarantineTrim q = QuarantineTrim.trim(cfg.dataDir(), cfg.quarantineDir(), retention.quarantineKept(), dryRun);
        print(out, report.withQuarantine(q.copies(), q.bytes()), retention);
        if (space != null) {
          out.println("note: " + space);
        }
        return ExitCodes.OK;
      } catch (RuntimeException | IOException e) {
        err.println("prune: " + store.describe() + ": " + e.getMessage());
        return ExitCodes.FAILURE;
      }
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The one-time rewrite of an older ledger: the bytes it gave back, and what to tell the operator (or null). */
  private record Conversion(long bytes, String note) {}

  /**
   * Rewrites a ledger that cannot give space back, holding the worker's lock so that no worker starts
   * meanwhile (the rewrite holds the ledger's write lock throughout); with a worker running, only says so.
   */
  private static Conversion convertIfIdle(TendedConfig cfg, LedgerPruning pruning) throws IOException {
    if (pruning.givesSpaceBack()) {
      return new Conversion(0, null);
    }
    Optional<DataFolderLock> lock = DataFolderLock.tryAcquire(cfg.dataDir().resolve(DataFolderLock.WORKER));
    if (lock.isEmpty()) {
      return new Conversion(0, "the ledger was made before retention and keeps the space of pruned items (it reuses"
          + " it); stop the worker and run tended prune again to rewrite it once so that it gives space back");
    }
    try (DataFolderLock held = lock.get()) {
      return new Conversion(pruning.convertToGiveSpaceBack(),
          "the ledger was rewritten once: from now on it gives the space of pruned items back");
    }
  }

  private static PruneReport withLedgerBytes(PruneReport r, long more) {
    return new PruneReport(r.succeeded(), r.dead(), r.identities(), r.resultFiles(), r.workFolders(), r.fileFailures(),
        r.fileBytes(), r.ledgerBytes() + more, r.quarantineCopies(), r.quarantineBytes(), r.batches(),
        r.longestBatchMs(), r.tookMs());
  }

  private void print(PrintWriter out, PruneReport r, RetentionConfig retention) {
    String verb = dryRun ? "would remove" : "removed";
    out.printf("prune%s: %s (finishedFor %s, deadFor %s, identityFor %s, quarantineKept %d)%n",
        dryRun ? " --dry-run" : "", verb, Durations.format(retention.finishedFor()),
        Durations.format(retention.deadFor()),
        retention.identitiesKeptForever() ? "for ever" : Durations.format(retention.identityFor()),
        retention.quarantineKept());
    out.printf("  items:             %d (%d succeeded, %d dead), each kept as an identity record%n", r.items(),
        r.succeeded(), r.dead());
    out.printf("  identity records:  %d%n", r.identities());
    out.printf("  result files:      %d%n", r.resultFiles());
    out.printf("  work folders:      %d%n", r.workFolders());
    out.printf("  quarantine copies: %d%n", r.quarantineCopies());
    if (dryRun) {
      out.printf("  bytes of files:    %d (the ledger's own space is counted only by a real run)%n",
          r.fileBytes() + r.quarantineBytes());
    } else {
      out.printf("  bytes given back:  %d (ledger %d, files %d, quarantine %d)%n", r.bytesGivenBack(),
          r.ledgerBytes(), r.fileBytes(), r.quarantineBytes());
      out.printf("  ledger batches:    %d (longest %d ms), took %d ms%n", r.batches(), r.longestBatchMs(), r.tookMs());
    }
    if (r.fileFailures() > 0) {
      out.printf("  files not removed: %d (see the log's pruned_file_not_removed)%n", r.fileFailures());
    }
  }
}
