package dev.tended.reliability;

import dev.tended.posix.ProcFs;

/**
 * Makes this driver the process that inherits orphans (core's {@link dev.tended.posix.Subreaper}), as
 * a supervisor is: the waiters of handlers a worker killed with SIGKILL left running become this
 * driver's children. They are not stopped (the next worker adopts their handlers, as it does under the
 * supervisor); once the next worker lets one go it ends, and since the JVM reaps only the processes it
 * started, it is reaped here, by its own pid.
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
   * Reaps every adopted child (every child but {@code ours}, the process this driver started and
   * still runs, -1 for none) that has ended: the waiters of handlers a killed worker left behind, once
   * the next worker has taken their handler's outcome and let them go. Those still running are left
   * alone (the next worker adopts them); returns how many there are.
   */
  static int reapEndedExcept(long ours) {
    int[] running = {0};
    ProcessHandle.current().children().filter(p -> p.pid() != ours).forEach(p -> {
      if (ProcFs.running(p.pid())) {
        running[0]++;
      } else {
        dev.tended.posix.Subreaper.reap(p.pid());
      }
    });
    return running[0];
  }
}
