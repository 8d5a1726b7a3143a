package dev.tended.supervisor.metrics;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.AttemptStats;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.LedgerStores;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.StateFile;
import dev.tended.supervisor.restart.SupervisorState;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Reads the inputs of one exposition from a configuration's files, read-only: {@code status.json},
 * the ledger through its read-only view (no write lock), {@code supervisor-state.json}, the ledger's
 * file sizes and the data folder's free space. An input that cannot be read is left empty and named
 * to {@code missing}; it never stops the others. Stateless.
 */
final class MetricSources {
  private MetricSources() {}

  /** The inputs of {@code cfg} at {@code now}; each missing one is described to {@code missing}. */
  static MetricInputs read(TendedConfig cfg, Instant now, Consumer<String> missing) {
    Optional<FileStore> store = store(cfg.dataDir(), missing);
    return new MetricInputs(now, cfg.sources().stream().map(SourceConfig::name).toList(),
        cfg.supervisor().staleAfter(), cfg.alerts().stuckAfter(),
        status(cfg.heartbeat().file(), missing), attempts(LedgerStores.of(cfg), missing),
        supervisor(StateFile.in(cfg.dataDir()), missing), ledgerBytes(cfg.ledgerFile()),
        space(store, FileStore::getUsableSpace), space(store, FileStore::getTotalSpace));
  }

  private static Optional<WorkerStatus> status(Path file, Consumer<String> missing) {
    try {
      return Optional.of(StatusFiles.read(file));
    } catch (NoSuchFileException e) {
      missing.accept("no status file at " + file + " (has the worker run?)");
    } catch (IOException | RuntimeException e) {
      missing.accept("status file " + file + " cannot be read: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static Optional<Map<String, AttemptStats>> attempts(LedgerStore ledger, Consumer<String> missing) {
    if (!ledger.present()) {
      missing.accept("no ledger at " + ledger.describe());
      return Optional.empty();
    }
    try (LedgerView view = ledger.openView()) {
      return Optional.of(view.attemptStats());
    } catch (RuntimeException e) {
      missing.accept("ledger " + ledger.describe() + " cannot be read: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<SupervisorState> supervisor(Path file, Consumer<String> missing) {
    try {
      Optional<SupervisorState> s = StateFile.read(file);
      if (s.isEmpty()) {
        missing.accept("no supervisor state at " + file + " (has the supervisor run?)");
      }
      return s;
    } catch (IOException | RuntimeException e) {
      missing.accept("supervisor state " + file + " cannot be read: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The database file and its write-ahead log ({@code -wal}, absent after a clean close); empty without a ledger. */
  private static OptionalLong ledgerBytes(Path ledger) {
    try {
      return OptionalLong.of(Files.size(ledger) + sizeOrZero(ledger.resolveSibling(ledger.getFileName() + "-wal")));
    } catch (IOException e) {
      return OptionalLong.empty(); // attempts() has named it
    }
  }

  private static long sizeOrZero(Path file) throws IOException {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  private static Optional<FileStore> store(Path dataDir, Consumer<String> missing) {
    try {
      return Optional.of(Files.getFileStore(dataDir));
    } catch (IOException e) {
      missing.accept("free space of " + dataDir + " cannot be measured: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** One of {@code store}'s figures; empty when it cannot be had. */
  private static OptionalLong space(Optional<FileStore> store, SpaceOf figure) {
    try {
      return store.isPresent() ? OptionalLong.of(figure.of(store.get())) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** A figure of a file store, which may fail like its getters. */
  private interface SpaceOf {
    long of(FileStore store) throws IOException;
  }
}
