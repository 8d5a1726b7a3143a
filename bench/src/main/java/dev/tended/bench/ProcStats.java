package dev.tended.bench;

import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import java.io.IOException;

/**
 * A process's resident memory and CPU time, read from {@code /proc}. CPU time is in clock ticks of
 * {@code USER_HZ}, which is 100 on every Linux the product runs on.
 */
public record ProcStats(long rssKiB, long cpuTicks) {
  /** Ticks per second of {@code utime}/{@code stime}. */
  public static final int USER_HZ = 100;

  /** Reads both for {@code pid}. */
  public static ProcStats of(long pid) throws IOException {
    ProcStat stat = ProcFs.stat(pid).orElseThrow(() -> new IOException("no process " + pid));
    return new ProcStats(ProcFs.residentKiB(pid).orElse(-1), stat.utimeTicks() + stat.stimeTicks());
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
