package dev.tended.worker.source;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;

/**
 * The version of one entry of a directory queue, taken from {@code stat}s alone: for a file its size
 * and modification time; for a sub-folder the same over its whole tree (entries counted, bytes of
 * regular files summed, the newest modification time), so a file added, grown or touched anywhere
 * below changes it. Two equal stamps on consecutive polls mean the entry has stopped changing.
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

  /**
   * Walks the tree under {@code dir}, following links but not loops. Throws when part of the tree
   * cannot be read or vanished during the walk: the folder is not stable yet.
   */
  static EntryStamp ofTree(Path dir) throws IOException {
    long[] entries = {0};
    long[] bytes = {0};
    Instant[] newest = {Instant.MIN};
    Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            count(attrs);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
            count(attrs);
            if (attrs.isRegularFile()) {
              bytes[0] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            if (e instanceof FileSystemLoopException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          private void count(BasicFileAttributes attrs) {
            entries[0]++;
            Instant modified = attrs.lastModifiedTime().toInstant();
            if (modified.isAfter(newest[0])) {
              newest[0] = modified;
            }
          }
        });
    return new EntryStamp("directory", bytes[0], newest[0], entries[0]);
  }
}
