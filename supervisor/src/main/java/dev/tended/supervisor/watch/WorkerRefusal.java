package dev.tended.supervisor.watch;

/**
 * Why the supervision ended by itself: the worker exited with a code that a restart cannot fix
 * ({@value #EX_CONFIG}, sysexits' {@code EX_CONFIG}: it refused its configuration). The supervisor
 * then exits with the same code, so that systemd's {@code RestartPreventExitStatus=78} stops the
 * unit instead of starting it again and again.
 *
 * @param pid the worker that exited
 * @param exitCode its exit code, which becomes the supervisor's
 */
public record WorkerRefusal(long pid, int exitCode) {
  /** sysexits.h {@code EX_CONFIG}: the configuration cannot be used. */
  public static final int EX_CONFIG = 78;

  /** Whether a worker exit with {@code exitCode} ends the supervision instead of a restart. */
  static boolean ends(int exitCode) {
    return exitCode == EX_CONFIG;
  }

  /** One sentence for stderr and systemd's {@code STATUS=}. */
  public String reason() {
    return "the worker refused its configuration (pid " + pid + " exited " + exitCode
        + "; its messages are above): not restarting it; fix the configuration and start the supervisor again";
  }
}
