package dev.tended.queue;

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
public record FileStamp(Object fileKey, long size, FileTime modified) {
  public FileStamp {
    Objects.requireNonNull(modified, "modified");
  }

  public static FileStamp of(BasicFileAttributes attrs) {
    return new FileStamp(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime());
  }

  /** What a path that is not a regular file is, for messages. */
  public static String kindOf(BasicFileAttributes attrs) {
    if (attrs.isDirectory()) {
      return "directory";
    }
    if (attrs.isSymbolicLink()) {
      return "symbolic link";
    }
    return attrs.isOther() ? "FIFO, socket or device" : "unknown kind";
  }
}
