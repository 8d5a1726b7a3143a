package dev.tended.posix;

import com.sun.jna.LastErrorException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes this process a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER, 1)}), so that what a
 * dead child leaves running is re-parented to this process instead of to init, where it could no
 * longer be found: handlers run in their own session ({@code setsid}), so nothing else stops them when
 * the worker is {@code kill -9}ed. Being their parent also makes this process responsible for reaping
 * them: {@link #reap(long)} collects one such zombie without touching the JDK's own children, whose
 * exit statuses the JDK's reaper thread collects (so never {@code waitpid(-1)}).
 *
 * <p>Linux only; where libc cannot be bound or the kernel refuses, {@link #enable()} reports false
 * and nothing changes (orphans then escape to init). Thread-safe.
 */
public final class Subreaper {
  private static final AtomicBoolean ENABLED = new AtomicBoolean();

  private Subreaper() {}

  /** Why becoming a subreaper failed. */
  public static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Asks the kernel to re-parent orphaned descendants to this process. Idempotent.
   *
   * @throws Unavailable with the reason when it cannot be done
   */
  public static void enable() throws Unavailable {
    if (ENABLED.get()) {
      return;
    }
    if (LibC.failure().isPresent()) {
      throw new Unavailable("libc cannot be bound: " + LibC.failure().get(), LibC.failure().get());
    }
    try {
      LibC.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
      ENABLED.set(true);
    } catch (LastErrorException e) {
      throw new Unavailable("prctl(PR_SET_CHILD_SUBREAPER): errno " + e.getErrorCode(), e);
    }
  }

  /** Whether {@link #enable()} succeeded in this process. */
  public static boolean enabled() {
    return ENABLED.get();
  }

  /**
   * Reaps {@code pid} if it is an exited child of this process (an adopted orphan); does nothing for
   * anything else, and never waits. Never call it for the pid of a {@link Process} the JDK waits for.
   *
   * @return whether a zombie was collected
   */
  public static boolean reap(long pid) {
    return waitFor(pid, LibC.WNOHANG);
  }

  /**
   * Waits until the adopted child {@code pid} has exited and reaps it; returns at once when it is not
   * a child of this process. Use it only after a {@link Signal#KILL}, which nothing can ignore.
   *
   * @return whether a child was collected
   */
  public static boolean awaitAndReap(long pid) {
    return waitFor(pid, 0);
  }

  private static boolean waitFor(long pid, int options) {
    if (!ENABLED.get() || pid <= 0) {
      return false;
    }
    try {
      return LibC.waitpid(Math.toIntExact(pid), new int[1], options) == pid;
    } catch (LastErrorException e) {
      return false; // ECHILD: not ours, or already collected
    }
  }
}
