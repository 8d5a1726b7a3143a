package dev.tended.reliability;

import dev.tended.posix.ProcFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a running JVM holds, read from outside as an operator would: open file descriptors and
 * threads from {@code /proc}, and the heap in use right after a full GC through {@code jcmd}.
 *
 * @param fds entries in {@code /proc/<pid>/fd}
 * @param threads the process's threads ({@code /proc/<pid>/task}) except the JDK's "process reaper"
 *     threads, a cached pool that grows with the handlers running at once and shrinks after a minute
 *     idle: not a leak, and it would make the count depend on timing
 * @param heapUsedKiB heap in use after {@code GC.run}, -1 when jcmd could not tell
 */
record JvmProbe(long fds, long threads, long heapUsedKiB) {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  static JvmProbe of(long pid) throws IOException, InterruptedException {
    long fds = ProcFs.openFileCount(pid).orElseThrow(() -> new IOException("cannot list the descriptors of " + pid));
    long threads = ProcFs.tasks(pid).stream().filter(t -> !t.name().equals("process reaper")).count();
    jcmd(pid, "GC.run");
    return new JvmProbe(fds, threads, heapUsedKiB(jcmd(pid, "GC.heap_info")));
  }

  /** The sum of the generations' "used" figures (SerialGC: def new + tenured; G1: the heap line). */
  static long heapUsedKiB(String heapInfo) {
    long sum = 0;
    boolean any = false;
    for (String line : heapInfo.split("\n")) {
      String l = line.trim();
      if (l.startsWith("def new generation") || l.startsWith("tenured generation") || l.startsWith("garbage-first heap")) {
        Matcher m = USED.matcher(l);
        if (m.find()) {
          sum += Long.parseLong(m.group(1));
          any = true;
        }
      }
    }
    return any ? sum : -1;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path jcmd = java.resolveSibling("jcmd");
    Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command)
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    p.waitFor(30, TimeUnit.SECONDS);
    return new String(out, StandardCharsets.UTF_8);
  }
}
