package dev.tended.posix;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;

/**
 * Removes the start of a file in one step with Linux's {@code fallocate(FALLOC_FL_COLLAPSE_RANGE)},
 * so that a process appending to the file at the same moment loses nothing: the kernel serialises
 * the collapse with its writes, which a copy-then-truncate cannot do. Supported by ext4 and XFS for
 * whole blocks; elsewhere {@link #collapseStart} reports false and the caller copies instead.
 */
public final class CollapseRange {
  private CollapseRange() {}

  /**
   * Removes the first {@code length} bytes of {@code file}.
   *
   * @param length a multiple of the file system's block size, less than the file's size
   * @return false when the file system, the file or the platform cannot do it (nothing changed then)
   */
  public static boolean collapseStart(Path file, long length) {
    if (LibC.failure().isPresent()) {
      return false;
    }
    int fd;
    try {
      fd = LibC.open(file.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      return false;
    }
    try {
      LibC.fallocate(fd, LibC.FALLOC_FL_COLLAPSE_RANGE, 0, length);
      return true;
    } catch (LastErrorException e) {
      return false; // EOPNOTSUPP, EINVAL (unaligned, too close to the end), ...
    } finally {
      try {
        LibC.close(fd);
      } catch (LastErrorException e) {
        // Nothing was written through this descriptor; a failed close loses nothing.
      }
    }
  }
}
