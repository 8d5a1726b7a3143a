package dev.tended.worker.source;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What a {@code stat} says about a file, enough to tell that it has not changed without opening it:
 * a rename over it changes the file key, an append changes the size, a rewrite in place the
 * modification time. (A same-size rewrite within one tick of the file system's clock goes unseen;
 * producers that care replace atomically.)
 *
 * @param fileKey the inode (device and number) where the platform has one, else null
 */
record FileStamp(Object fileKey, long size, FileTime modified) {
  FileStamp {
    Objects.requireNonNull(modified, "modified");
  }

  static FileStamp of(BasicFileAttributes attrs) {
    return new FileStamp(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime());
  }
}
