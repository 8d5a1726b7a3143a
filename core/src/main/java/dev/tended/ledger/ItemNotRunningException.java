package dev.tended.ledger;

/**
 * An attempt's end could not be recorded because the ledger no longer has its item running: the
 * ledger was changed behind the worker's back (the worker's lock keeps a second worker out). Unlike a
 * {@link LedgerException} (disk full, a lock timeout) trying again cannot help, so the caller stops.
 */
public final class ItemNotRunningException extends RuntimeException {
  public ItemNotRunningException(long seq) {
    super("item " + seq + " is not running");
  }

  /** The same refusal, raised again in the caller's own thread. */
  ItemNotRunningException(ItemNotRunningException other) {
    super(other.getMessage(), other);
  }
}
