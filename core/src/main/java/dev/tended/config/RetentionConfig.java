package dev.tended.config;

/**
 * What tended keeps of its own files, and for how long ({@code retention:}). Only the bound on
 * quarantine copies for now, so that broken queue files cannot fill the data folder.
 *
 * @param quarantineKept at most this many copies under {@code quarantine/<source>/} per source
 */
public record RetentionConfig(int quarantineKept) {
  public static final int DEFAULT_QUARANTINE_KEPT = 20;

  public static final RetentionConfig DEFAULT = new RetentionConfig(DEFAULT_QUARANTINE_KEPT);
}
