package dev.tended.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens the worker's ledger only when it can be trusted. SQLite treats a missing or zero-length file
 * as a new, empty database, and a truncated one may open and only fail later; any of them would make
 * every item look new and run again. So: a missing or empty ledger is accepted only in a data folder
 * with no result files yet, a file SQLite refuses is reported as damaged, and an opened one must pass
 * {@code PRAGMA quick_check}.
 */
public final class LedgerCheck {
  private LedgerCheck() {}

  /**
   * Opens the worker's state machine on {@code file} or throws {@link DamagedLedgerException} saying
   * what is wrong and what to do ({@link LedgerSchemaException} when the file is newer than this build).
   */
  public static ItemLedger openTrusted(Path file, Path resultsDir, Clock clock) {
    long size = sizeOf(file);
    if (size <= 0 && hasResults(resultsDir)) {
      throw new DamagedLedgerException(file, (size < 0 ? "is missing" : "is empty")
          + " but " + resultsDir + " holds results of finished items");
    }
    SqliteLedgerStore store = SqliteLedgerStore.at(file);
    ItemLedger ledger;
    try {
      ledger = store.openItemLedger(clock);
    } catch (LedgerException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("SQLITE_NOTADB") || m.contains("SQLITE_CORRUPT")) {
        throw new DamagedLedgerException(file, "cannot be read: " + sqliteReason(m));
      }
      throw e;
    }
    List<String> problems;
    try (LedgerView view = store.openView()) {
      problems = view.integrityCheck();
    } catch (LedgerException e) {
      problems = List.of(sqliteReason(String.valueOf(e.getMessage())));
    }
    if (!problems.isEmpty()) {
      ledger.close();
      throw new DamagedLedgerException(file, "fails its integrity check: " + String.join("; ",
          problems.subList(0, Math.min(3, problems.size()))));
    }
    return ledger;
  }

  private static String sqliteReason(String message) {
    int i = message.indexOf("[SQLITE_");
    return i >= 0 ? message.substring(i) : message;
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  /** True when any {@code results/<source>/} folder holds a file. */
  static boolean hasResults(Path resultsDir) {
    if (!Files.isDirectory(resultsDir)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(resultsDir, 2)) {
      return files.anyMatch(Files::isRegularFile);
    } catch (IOException | UncheckedIOException e) {
      return true; // cannot tell: do not risk running everything again
    }
  }
}
