package dev.tended.worker.handler;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.file.Path;

/**
 * Removes the start of a file in one step with Linux's {@code fallocate(FALLOC_FL_COLLAPSE_RANGE)},
 * so that a handler appending to the file at the same moment loses nothing: the kernel serialises
 * the collapse with its writes, which a copy-then-truncate cannot do. Supported by ext4 and XFS for
 * whole blocks; elsewhere {@link #collapseStart} reports false and the caller copies instead.
 */
final class CollapseRange {
  private static final int O_RDWR = 2;
  private static final int O_CLOEXEC = 0x80000;
  private static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private CollapseRange() {}

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private static native int fallocate(int fd, int mode, long offset, long length)
      throws LastErrorException;

  /**
   * Removes the first {@code length} bytes of {@code file}.
   *
   * @param length a multiple of the file system's block size, less than the file's size
   * @return false when the file system or the file cannot do it (nothing changed then)
   */
  static boolean collapseStart(Path file, long length) {
    int fd;
    try {
      fd = open(file.toString(), O_RDWR | O_CLOEXEC);
    } catch (LastErrorException e) {
      return false;
    }
    try {
      fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, length);
      return true;
    } catch (LastErrorException e) {
      return false; // EOPNOTSUPP, EINVAL (unaligned, too close to the end), ...
    } finally {
      try {
        close(fd);
      } catch (LastErrorException e) {
        // Nothing was written through this descriptor; a failed close loses nothing.
      }
    }
  }
}
