package dev.tended.status;

import dev.tended.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The worker's word that it refused to start because its ledger is damaged
 * ({@code dataDir/ledger-damaged.json}): written when it refuses, removed once a worker opened the
 * ledger. The supervisor only sees a worker that exits 1 again and again; this file tells it (and its
 * {@code ledger_damaged} alert) why, across restarts of either process.
 *
 * @param file the ledger file
 * @param what what is wrong and what to do, as the worker logged it
 * @param at when the worker found it
 * @param pid the worker that found it
 */
public record LedgerDamage(String file, String what, Instant at, long pid) {
  /** The file name under {@code dataDir}. */
  public static final String NAME = "ledger-damaged.json";

  /** The mark's file in {@code dataDir}. */
  public static Path in(Path dataDir) {
    return dataDir.resolve(NAME);
  }

  /** The mark in {@code dataDir}; empty when there is none. Throws when it exists but does not parse. */
  public static Optional<LedgerDamage> read(Path dataDir) throws IOException {
    try {
      return Optional.of(StatusFiles.mapper().readValue(Files.readAllBytes(in(dataDir)), LedgerDamage.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Writes the mark atomically. */
  public void writeTo(Path dataDir) throws IOException {
    AtomicFiles.write(in(dataDir), StatusFiles.mapper().writeValueAsBytes(this));
  }

  /** Removes the mark, if any; returns whether there was one. */
  public static boolean clear(Path dataDir) throws IOException {
    return Files.deleteIfExists(in(dataDir));
  }
}
