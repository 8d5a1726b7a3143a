package dev.tended.io;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Turns the I/O failures an operator can fix (permission denied, disk full, a missing folder) into
 * one short line that says so and names the file, instead of the bare path that {@link
 * AccessDeniedException#getMessage()} gives. Used wherever such a failure reaches the log or the
 * status file.
 */
public final class IoErrors {
  private IoErrors() {}

  /** True when {@code t} or one of its causes says the disk (or the quota) is full. */
  public static boolean diskFull(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("No space left on device") || m.contains("SQLITE_FULL") || m.contains("Disk quota exceeded")) {
        return true;
      }
    }
    return false;
  }

  /** One line for a person: what went wrong, on which file. */
  public static String describe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FileSystemException fs) {
        String file = fs.getFile() == null ? "" : fs.getFile() + ": ";
        if (c instanceof AccessDeniedException) {
          return file + "permission denied";
        }
        if (c instanceof NoSuchFileException) {
          return file + "no such file or folder";
        }
        if (fs.getReason() != null) {
          return (diskFull(c) ? "disk full: " : "") + file + fs.getReason();
        }
      }
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return diskFull(t) && !m.startsWith("disk full") ? "disk full: " + m : m;
  }
}
