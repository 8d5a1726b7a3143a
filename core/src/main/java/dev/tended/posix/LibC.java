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

  static final int PR_SET_CHILD_SUBREAPER = 36;
  static final int WNOHANG = 1;

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
}
