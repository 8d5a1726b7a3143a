package dev.tended.supervisor.cli;

import dev.tended.config.TendedConfig;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerAdmin;
import dev.tended.ledger.LedgerStores;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.status.ItemResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tended recover-ledger --config FILE}: gets a worker going again after its ledger was found
 * damaged (the worker refuses to start on it rather than begin with an empty one). Keeps the damaged
 * file and its WAL beside it as {@code ledger.db.damaged-<UTC time>}, then builds a new ledger that
 * knows every finished item from its {@code results/} file, so nothing finished runs again. Items that
 * were read but not finished are taken again from the queue files if they are still there.
 */
@Command(name = "recover-ledger", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Rebuild a damaged ledger from results/ (the damaged file is kept). Stop the worker first.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:a new ledger was built", "78:bad configuration",
        "1:a worker is running on this data folder, or the files could not be moved or written"})
final class RecoverLedgerCommand implements Callable<Integer> {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @Mixin ConfigOption config;
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
      if (cfg.ledger().shared()) {
        err.println("recover-ledger: rebuilds a SQLite ledger file; this configuration's ledger is the database "
            + LedgerStores.of(cfg).describe() + ", which is restored from the database's own backups");
        return ExitCodes.FAILURE;
      }
      long running = runningWorker(cfg.heartbeat().file());
      if (running > 0) {
        err.println("recover-ledger: worker " + running + " is running on " + cfg.dataDir() + "; stop it first"
            + " (systemctl stop tended, or stop the supervisor)");
        return ExitCodes.FAILURE;
      }
      Path ledgerFile = cfg.ledgerFile();
      String kept = "";
      if (Files.exists(ledgerFile)) {
        Path aside = ledgerFile.resolveSibling(ledgerFile.getFileName() + ".damaged-" + STAMP.format(Clock.systemUTC().instant()));
        for (String suffix : List.of("", "-wal", "-shm")) {
          Path f = ledgerFile.resolveSibling(ledgerFile.getFileName() + suffix);
          if (Files.exists(f)) {
            Files.move(f, aside.resolveSibling(aside.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
          }
        }
        kept = "kept the old ledger as " + aside + "; ";
      }
      int[] counts = restore(cfg, err);
      out.println("recover-ledger: " + kept + "new ledger " + ledgerFile + " knows " + counts[0]
          + " finished items from " + cfg.resultsDir() + (counts[1] > 0 ? " (" + counts[1] + " unreadable result files skipped)" : "")
          + "; items not finished are taken again from the queue files if still there. Start the worker.");
      return ExitCodes.OK;
    } catch (IOException | RuntimeException e) {
      err.println("recover-ledger: " + e.getMessage());
      return ExitCodes.FAILURE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Restores every readable result file; returns {restored, skipped}. */
  private static int[] restore(TendedConfig cfg, PrintWriter err) throws IOException {
    int restored = 0;
    int skipped = 0;
    try (LedgerAdmin ledger = SqliteLedgerStore.at(cfg.ledgerFile()).openAdmin(Clock.systemUTC());
        Stream<Path> files = Files.isDirectory(cfg.resultsDir()) ? Files.walk(cfg.resultsDir(), 2) : Stream.empty()) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)).toList()) {
        try {
          ItemResult r = StatusFiles.mapper().readValue(f.toFile(), ItemResult.class);
          ItemState state = ItemState.fromWire(r.status());
          Optional<Path> input = WorkFolders.candidates(cfg.workDir(), r.source(), r.id(), r.contentHash()).stream()
              .map(d -> d.resolve(WorkFolders.INPUT)).filter(Files::isRegularFile).findFirst();
          String payload = input.isPresent() ? Files.readString(input.get(), StandardCharsets.UTF_8) : "null";
          if (ledger.restoreFinished(r.source(), r.id(), r.contentHash(), payload, state, r.attempts(),
              r.finishedAt(), r.exitCode(), r.detail())) {
            restored++;
          }
        } catch (IOException | RuntimeException e) {
          skipped++;
          err.println("recover-ledger: skipped " + f + ": " + e.getMessage());
        }
      }
    }
    return new int[] {restored, skipped};
  }

  /** The pid of a live tended worker that wrote {@code statusFile} and has not stopped, else 0. */
  private static long runningWorker(Path statusFile) {
    try {
      WorkerStatus s = StatusFiles.read(statusFile);
      if ("stopped".equals(s.state())) {
        return 0;
      }
      boolean worker = ProcessHandle.of(s.pid()).filter(ProcessHandle::isAlive)
          .flatMap(p -> p.info().commandLine()).map(c -> c.contains("tended-worker")).orElse(false);
      return worker ? s.pid() : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
