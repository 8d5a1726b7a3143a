package dev.tended.worker.source;

import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Objects;

/**
 * The version of one entry of a directory queue, taken from {@code stat}s alone: for a file its size
 * and modification time; for a sub-folder the same over its whole tree (entries counted, bytes of
 * regular files summed, the newest modification time, symbolic links counted but never followed:
 * {@link TreeSurvey}), so a file added, grown or touched anywhere below changes it. Two equal
 * stamps on consecutive polls mean the entry has stopped changing.
 *
 * @param kind {@code file} or {@code directory}
 * @param entries 1 for a file; for a folder, the folder itself and everything under it
 */
record EntryStamp(String kind, long size, Instant modified, long entries) {
  EntryStamp {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(modified, "modified");
  }

  /** A stable text for hashing: an entry with the same stamp is the same version. */
  String describe() {
    return kind + "|" + size + "|" + modified + "|" + entries;
  }

  static EntryStamp ofFile(BasicFileAttributes attrs) {
    return new EntryStamp("file", attrs.size(), attrs.lastModifiedTime().toInstant(), 1);
  }
}
