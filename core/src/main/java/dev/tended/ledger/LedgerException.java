package dev.tended.ledger;

/**
 * The ledger could not do what was asked (disk full, corrupt file, locked past its timeout). Carries
 * the operation and the SQLite reason; the caller decides whether to retry at its next cycle.
 */
public final class LedgerException extends RuntimeException {
  public LedgerException(String operation, Throwable cause) {
    super(operation + ": " + cause.getMessage(), cause);
  }
}
