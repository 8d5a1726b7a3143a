package dev.tended.worker.handler;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Sends POSIX signals through libc's {@code kill(2)}, which Java cannot do for a process group:
 * {@code ProcessHandle.destroy} reaches one process, and only while it is alive, but a handler's
 * group must be signalled even after the handler itself has exited.
 */
final class Signals {
  static final int SIGKILL = 9;
  static final int SIGTERM = 15;

  private static final int EPERM = 1;
  private static final int ESRCH = 3;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private Signals() {}

  private static native int kill(int pid, int signal) throws LastErrorException;

  /**
   * Sends {@code signal} to every process in group {@code pgid}.
   *
   * @return false when the group has no process left
   * @throws IllegalArgumentException for a group id that would hit init, everyone, or this JVM's
   *     own group
   */
  static boolean signalGroup(long pgid, int signal) {
    if (pgid <= 1 || pgid == ProcStat.self().map(ProcStat::pgrp).orElse(-1L)) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    return send(-Math.toIntExact(pgid), signal);
  }

  /**
   * Sends {@code signal} to the single process {@code pid}.
   *
   * @return false when no such process exists
   */
  static boolean signalProcess(long pid, int signal) {
    if (pid <= 1 || pid == ProcessHandle.current().pid()) {
      throw new IllegalArgumentException("refusing to signal process " + pid);
    }
    return send(Math.toIntExact(pid), signal);
  }

  private static boolean send(int target, int signal) {
    try {
      kill(target, signal);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ESRCH) {
        return false;
      }
      // EPERM: something in the tree changed its user; nothing more we can do from here.
      String reason = e.getErrorCode() == EPERM ? "not permitted" : "errno " + e.getErrorCode();
      throw new IllegalStateException("kill(" + target + ", " + signal + "): " + reason, e);
    }
  }
}
