package dev.tended.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's resident memory and CPU time, read from {@code /proc}. CPU time is in clock ticks of
 * {@code USER_HZ}, which is 100 on every Linux the product runs on.
 */
public record ProcStats(long rssKiB, long cpuTicks) {
  /** Ticks per second of {@code utime}/{@code stime}. */
  public static final int USER_HZ = 100;

  /** Reads both for {@code pid}. */
  public static ProcStats of(long pid) throws IOException {
    long rss = -1;
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (l.startsWith("VmRSS:")) {
        rss = Long.parseLong(l.replaceAll("\\D", ""));
      }
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ": state is field 3, utime field 14, stime field 15 (1-based in proc(5))
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return new ProcStats(rss, ticks);
  }

  /** Resident memory in MiB. */
  public double rssMiB() {
    return rssKiB / 1024.0;
  }

  /** Percent of one core used between {@code earlier} and this reading, {@code wallNanos} apart. */
  public double cpuPercentSince(ProcStats earlier, long wallNanos) {
    double cpuSeconds = (cpuTicks - earlier.cpuTicks) / (double) USER_HZ;
    return 100.0 * cpuSeconds / (wallNanos / 1e9);
  }
}
