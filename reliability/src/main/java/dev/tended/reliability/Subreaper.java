package dev.tended.reliability;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes this process the one that inherits orphans ({@code prctl(PR_SET_CHILD_SUBREAPER)}), so the
 * handler processes of a worker killed with SIGKILL become this driver's children and can be stopped
 * before the next worker starts, as a supervisor or systemd's cgroup would. Without it, an orphaned
 * handler of attempt N would still be running when attempt N+1 starts. The JVM reaps only the
 * processes it started, so adopted ones are reaped here ({@code waitpid} on their own pid, never -1,
 * which would take exit statuses from the JVM's own reaper).
 */
final class Subreaper {
  private static final int PR_SET_CHILD_SUBREAPER = 36;

  static {
    Native.register("c");
  }

  private Subreaper() {}

  private static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  private static native int waitpid(int pid, int[] status, int options);

  /** True when this process now adopts orphans of its descendants. */
  static boolean become() {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
  }

  /**
   * Kills and reaps every adopted child (every child but {@code ours}, the process this driver
   * started and still runs, -1 for none) with what it started; returns how many were still running.
   */
  static int stopOrphansExcept(long ours) {
    int[] running = {0};
    ProcessHandle.current().children().filter(p -> p.pid() != ours).forEach(p -> {
      if (!zombie(p.pid())) {
        running[0]++;
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      waitpid((int) p.pid(), new int[1], 0);
    });
    return running[0];
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }
}
