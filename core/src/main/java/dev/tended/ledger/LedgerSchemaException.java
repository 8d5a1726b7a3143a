package dev.tended.ledger;

/**
 * The ledger's schema version is one this build cannot use: newer than it knows (written by a newer
 * tended), so reading or writing it could lose records. The worker refuses to start on it (exit 1) and
 * {@code health-diagnose} reports it. The message names the file, the version found and the version
 * supported.
 */
public final class LedgerSchemaException extends RuntimeException {
  private final int found;
  private final int supported;

  public LedgerSchemaException(String where, int found, int supported) {
    super("ledger " + where + " has schema version " + found + ", newer than this build supports (" + supported
        + "): it was written by a newer tended. Run that version, or restore the ledger from a backup made"
        + " before the upgrade");
    this.found = found;
    this.supported = supported;
  }

  public int found() {
    return found;
  }

  public int supported() {
    return supported;
  }
}
