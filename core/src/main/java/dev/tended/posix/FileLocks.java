package dev.tended.posix;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Who holds a lock on a file, asked of the kernel ({@code fcntl(F_GETLK)}): the proof a supervisor
 * needs before it signals a process as its own worker, since only a worker of that data folder can
 * hold the folder's {@code worker.lock}. Java's {@link java.nio.channels.FileChannel#lock} takes a
 * POSIX record lock, which the kernel drops when its process dies and which is not inherited by
 * children, so the holder is exactly one live process. The kernel translates the pid into the
 * caller's pid namespace. Stateless.
 */
public final class FileLocks {
  private FileLocks() {}

  /**
   * The pid of a process that holds a lock on {@code file} that a whole-file write lock would
   * conflict with; empty when none does, when the holder is not visible from here (another pid
   * namespace, an open-file-description lock), or when it cannot be told (no such file, the C
   * library cannot be bound). The caller's own locks never show: they do not conflict with itself.
   * {@code file} is opened read-only; the caller makes sure it is no symbolic link.
   */
  public static OptionalLong holder(Path file) {
    if (LibC.failure().isPresent()) {
      return OptionalLong.empty();
    }
    int fd;
    try {
      fd = LibC.open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      return OptionalLong.empty();
    }
    try {
      ByteBuffer flock = ByteBuffer.allocate(LibC.FLOCK_SIZE).order(ByteOrder.nativeOrder());
      flock.putShort(0, LibC.F_WRLCK); // l_whence SEEK_SET, l_start 0, l_len 0 (to the end): zeros
      byte[] raw = flock.array();
      LibC.fcntl(fd, LibC.F_GETLK, raw);
      ByteBuffer answer = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
      if (answer.getShort(0) == LibC.F_UNLCK) {
        return OptionalLong.empty();
      }
      int pid = answer.getInt(LibC.FLOCK_PID_OFFSET);
      return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (LastErrorException e) {
      return OptionalLong.empty();
    } finally {
      try {
        LibC.close(fd);
      } catch (LastErrorException e) {
        // read-only descriptor: nothing to lose. This process holds no lock on the file to drop.
      }
    }
  }

  /** Whether the kernel can be asked at all here; when not, {@link #holder} always answers empty. */
  public static boolean available() {
    return LibC.failure().isEmpty();
  }
}
