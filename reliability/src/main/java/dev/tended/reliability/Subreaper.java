package dev.tended.reliability;

import dev.tended.posix.ProcFs;

/**
 * Makes this driver the process that inherits orphans (core's {@link dev.tended.posix.Subreaper}), so
 * the handler processes of a worker killed with SIGKILL become this driver's children and can be
 * stopped before the next worker starts, as a supervisor or systemd's cgroup would. Without it, an
 * orphaned handler of attempt N would still be running when attempt N+1 starts. The JVM reaps only the
 * processes it started, so adopted ones are reaped here, each by its own pid.
 */
final class Subreaper {
  private Subreaper() {}

  /** True when this process now adopts orphans of its descendants. */
  static boolean become() {
    try {
      dev.tended.posix.Subreaper.enable();
      return true;
    } catch (dev.tended.posix.Subreaper.Unavailable e) {
      return false;
    }
  }

  /**
   * Kills and reaps every adopted child (every child but {@code ours}, the process this driver
   * started and still runs, -1 for none) with what it started; returns how many were still running.
   */
  static int stopOrphansExcept(long ours) {
    int[] running = {0};
    ProcessHandle.current().children().filter(p -> p.pid() != ours).forEach(p -> {
      if (ProcFs.running(p.pid())) {
        running[0]++;
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      dev.tended.posix.Subreaper.awaitAndReap(p.pid());
    });
    return running[0];
  }
}
