package dev.tended.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Optional;

/**
 * The one binding to the C library (JNA direct mapping): the few system calls Java has no API for.
 * Every other class of this package goes through it, and nothing outside the package sees it.
 *
 * <p>Loading can fail (no JNA native for the platform, a {@code noexec} temporary folder JNA cannot
 * unpack into): {@link #failure()} then says why, and callers fall back or do without; calling a
 * method anyway throws {@link UnsatisfiedLinkError}. Linux numbering for every constant. Stateless.
 */
final class LibC {
  static final int EPERM = 1;
  static final int ESRCH = 3;
  static final int EINTR = 4;
  static final int EAGAIN = 11;

  static final int PR_SET_CHILD_SUBREAPER = 36;
  static final int WNOHANG = 1;

  static final int O_CLOEXEC = 0x80000;
  static final int O_RDONLY = 0;
  static final int O_NONBLOCK = 0x800;
  static final int O_NOFOLLOW = 0x20000;
  static final int F_GETFL = 3;
  static final int F_SETFL = 4;
  static final int F_SETPIPE_SZ = 1031;
  static final short POLLIN = 1;
  static final long FIONREAD = 0x541B;
  /** {@code sizeof(struct pollfd)}: fd (int), events, revents (shorts). */
  static final int POLLFD_SIZE = 8;
  static final int F_GETLK = 5;
  static final short F_WRLCK = 1;
  static final short F_UNLCK = 2;
  /** {@code sizeof(struct flock)} on 64-bit Linux: type, whence (shorts), start, len (longs), pid. */
  static final int FLOCK_SIZE = 32;
  static final int FLOCK_PID_OFFSET = 24;

  private static final Throwable FAILURE = register();

  private LibC() {}

  private static Throwable register() {
    try {
      Native.register(LibC.class, Platform.C_LIBRARY_NAME);
      return null;
    } catch (LinkageError | RuntimeException e) {
      return e;
    }
  }

  /** Why the library could not be bound; empty when it is. */
  static Optional<Throwable> failure() {
    return Optional.ofNullable(FAILURE);
  }

  static native int kill(int pid, int signal) throws LastErrorException;

  static native int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

  static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

  static native int open(String path, int flags) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  /** The size of a memory page in bytes; cannot fail. */
  static native int getpagesize();

  /** {@code fcntl(fd, cmd, struct flock *)}; {@code flock} is the struct's bytes in native order. */
  static native int fcntl(int fd, int cmd, byte[] flock) throws LastErrorException;

  /** {@code fcntl(fd, cmd, int)}: flags and the pipe size. */
  static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

  static native int mkfifo(String path, int mode) throws LastErrorException;

  /** {@code poll(fds, nfds, timeout)}; {@code fds} is the {@code struct pollfd} array's bytes in native order. */
  static native int poll(byte[] fds, long nfds, int timeoutMillis) throws LastErrorException;

  static native long read(int fd, byte[] buf, long count) throws LastErrorException;

  /** {@code ioctl(fd, request, int *)}: FIONREAD. */
  static native int ioctl(int fd, long request, int[] arg) throws LastErrorException;

}
