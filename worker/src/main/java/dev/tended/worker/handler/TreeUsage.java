package dev.tended.worker.handler;

import dev.tended.posix.ProcStat;
import java.util.Collection;
import java.util.Locale;

/**
 * What one attempt's process tree uses at one look at {@code /proc}: how many processes it has and
 * their resident memory summed, the two figures its {@link LimitCheck} weighs. Memory shared between
 * members (the pages of a forked parent, a library) counts once per member, as each one holds it:
 * the sum errs on the side of stopping a tree sooner, never later.
 *
 * @param processes running members of the tree
 * @param residentBytes their resident memory, summed
 */
record TreeUsage(int processes, long residentBytes) {
  private static final double MIB = 1024.0 * 1024.0;

  /** The usage of {@code members} as one look saw them. */
  static TreeUsage of(Collection<ProcStat> members) {
    return new TreeUsage(members.size(), members.stream().mapToLong(ProcStat::residentBytes).sum());
  }

  /** {@code bytes} in MiB with one decimal, as details and logs show memory: {@code 612.0 MiB}. */
  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
  }
}
