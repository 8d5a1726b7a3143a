package dev.tended.ledger;

import java.nio.file.Path;

/**
 * The ledger file is damaged, or missing from a data folder that has been used. The worker must not
 * start on it: a fresh empty ledger would run every finished item again. The message says what was
 * found and which command rebuilds the ledger.
 */
public final class DamagedLedgerException extends RuntimeException {
  private final Path file;

  public DamagedLedgerException(Path file, String found) {
    super("ledger " + file + " " + found + ". The worker will not start on it: an empty ledger would run every"
        + " finished item again. To recover, stop tended and run: tended recover-ledger --config FILE"
        + " (it keeps the damaged file beside it and rebuilds the record of finished items from results/)");
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
