package dev.tended.retention;

/**
 * What one retention run removed (or, in a dry run, would remove): what the worker logs after a run
 * and {@code tended prune} prints.
 *
 * @param succeeded succeeded items pruned to an identity record
 * @param dead dead items pruned to an identity record
 * @param identities identity records forgotten (older than {@code identityFor})
 * @param resultFiles result files removed
 * @param workFolders work folders removed
 * @param fileFailures files that could not be removed (each logged)
 * @param fileBytes the bytes of the removed files
 * @param ledgerBytes the bytes the ledger file gave back (0 in a dry run, or for a file that cannot)
 * @param quarantineCopies quarantine copies removed beyond {@code quarantineKept} ({@code tended prune} only)
 * @param quarantineBytes their bytes
 * @param batches ledger transactions the run took
 * @param longestBatchMs the longest of them, lock held, in milliseconds
 * @param tookMs the whole run, pauses between batches included
 */
public record PruneReport(long succeeded, long dead, long identities, long resultFiles, long workFolders,
    long fileFailures, long fileBytes, long ledgerBytes, long quarantineCopies, long quarantineBytes, long batches,
    long longestBatchMs, long tookMs) {

  /** Items pruned, of either outcome. */
  public long items() {
    return succeeded + dead;
  }

  /** Whether the run removed anything at all. */
  public boolean removedAnything() {
    return items() + identities + resultFiles + workFolders + ledgerBytes + quarantineCopies > 0;
  }

  /** Every byte given back: files, quarantine copies and the ledger's freed pages. */
  public long bytesGivenBack() {
    return fileBytes + ledgerBytes + quarantineBytes;
  }

  /** This report with the quarantine trim's figures. */
  public PruneReport withQuarantine(long copies, long bytes) {
    return new PruneReport(succeeded, dead, identities, resultFiles, workFolders, fileFailures, fileBytes,
        ledgerBytes, copies, bytes, batches, longestBatchMs, tookMs);
  }
}
