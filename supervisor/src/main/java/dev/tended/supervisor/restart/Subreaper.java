package dev.tended.supervisor.restart;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the supervisor a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER, 1)}), so that what a
 * crashed worker leaves running is re-parented to the supervisor instead of to init, where it could
 * no longer be found: handlers run in their own session ({@code setsid}), so nothing else stops them
 * when the worker is {@code kill -9}ed, and the next worker would run their items a second time
 * while they still run. Being their parent also makes the supervisor responsible for reaping them:
 * {@link #reap(long)} collects one such zombie without touching the JDK's own child, the worker.
 *
 * <p>Linux only; elsewhere, or when JNA cannot load libc, {@link #enable()} logs a warning and does
 * nothing (orphans then escape, as before). Thread-safe.
 */
final class Subreaper {
  private static final Logger log = LoggerFactory.getLogger(Subreaper.class);
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int WNOHANG = 1;
  private static final AtomicBoolean ENABLED = new AtomicBoolean();

  private interface LibC extends Library {
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int waitpid(int pid, Pointer status, int options);
  }

  private static volatile LibC libc;

  private Subreaper() {}

  /** Asks the kernel to re-parent orphaned descendants to this process. Idempotent; false if it failed. */
  static boolean enable() {
    if (ENABLED.get()) {
      return true;
    }
    try {
      LibC c = Native.load("c", LibC.class);
      int rc = c.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
      if (rc != 0) {
        log.warn("subreaper_unavailable errno={} action=orphans_may_escape", Native.getLastError());
        return false;
      }
      libc = c;
      ENABLED.set(true);
      log.info("subreaper_enabled pid={}", ProcessHandle.current().pid());
      return true;
    } catch (Throwable t) {
      log.warn("subreaper_unavailable error=\"{}\" action=orphans_may_escape", t.toString());
      return false;
    }
  }

  /**
   * Reaps {@code pid} if it is an exited child of this process (an adopted orphan); does nothing
   * for anything else. Never call it for the pid of a {@link Process} the JDK waits for.
   */
  static void reap(long pid) {
    LibC c = libc;
    if (c != null) {
      c.waitpid((int) pid, Pointer.NULL, WNOHANG);
    }
  }
}
