package dev.tended.posix;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The one way the daemons send signals: to one process, or to a whole process group, which Java
 * cannot do ({@link ProcessHandle#destroy} reaches one process, only while it is alive, and only
 * with TERM or KILL; a handler's group must be signalled even after the handler itself has exited,
 * and a frozen worker needs {@code SIGCONT}). Through libc's {@code kill(2)}; when libc cannot be
 * bound, through the {@code kill} program.
 *
 * <p>A target that no longer exists ({@code ESRCH}) is an answer, not an error: the methods return
 * false. Init, every process ({@code -1}) and this JVM's own process or group are refused, so a
 * wrong number can never take the daemon or the machine down. Stateless.
 */
public final class Signals {
  private Signals() {}

  /**
   * Sends {@code signal} to the single process {@code pid}.
   *
   * @return false when no such process exists
   * @throws IllegalArgumentException for init, a non-positive pid or this JVM's own pid
   * @throws IllegalStateException when the kernel refuses ({@code EPERM}: another user's process)
   */
  public static boolean toProcess(long pid, Signal signal) {
    if (pid <= 1 || pid == ProcessHandle.current().pid()) {
      throw new IllegalArgumentException("refusing to signal process " + pid);
    }
    return send(Math.toIntExact(pid), signal);
  }

  /**
   * Sends {@code signal} to every process in group {@code pgid}.
   *
   * @return false when the group has no process left
   * @throws IllegalArgumentException for a group id that would hit init, everyone, or this JVM's
   *     own group
   * @throws IllegalStateException when the kernel refuses ({@code EPERM})
   */
  public static boolean toGroup(long pgid, Signal signal) {
    if (pgid <= 1 || pgid == ProcFs.self().map(ProcStat::pgrp).orElse(-1L)) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    return send(-Math.toIntExact(pgid), signal);
  }

  private static boolean send(int target, Signal signal) {
    if (LibC.failure().isPresent()) {
      return sendWithProgram(target, signal);
    }
    try {
      LibC.kill(target, signal.number());
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.ESRCH) {
        return false;
      }
      String reason = e.getErrorCode() == LibC.EPERM ? "not permitted" : "errno " + e.getErrorCode();
      throw new IllegalStateException("kill(" + target + ", " + signal + "): " + reason, e);
    }
  }

  /** {@code kill -N -- TARGET}: its exit status cannot tell a missing target from a refusal. */
  private static boolean sendWithProgram(int target, Signal signal) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal.number(), "--", Integer.toString(target))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      throw new IllegalStateException("kill(" + target + ", " + signal + "): neither libc nor the kill program: "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
