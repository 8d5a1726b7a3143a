package dev.tended.posix;

import java.util.Optional;

/**
 * One line of {@code /proc/<pid>/stat}: what the daemons need to know about a process that Java's
 * {@link ProcessHandle} does not tell (the process group, whether it is a zombie or stopped, the
 * start time that tells a reused pid apart, its CPU time).
 *
 * @param pid process id
 * @param comm the command name as the kernel keeps it (at most 15 bytes; may hold spaces and
 *     parentheses)
 * @param state the one-letter state: R, S, D, T (stopped), t (traced), Z (zombie), X (dead) ...
 * @param ppid parent process id
 * @param pgrp process group id
 * @param utimeTicks user CPU time in clock ticks ({@code USER_HZ}, 100 on Linux)
 * @param stimeTicks system CPU time in clock ticks
 * @param startTicks start time in clock ticks since boot
 * @param rssPages resident set size in pages ({@link ProcFs#pageSize()}); 0 for a zombie
 */
public record ProcStat(long pid, String comm, char state, long ppid, long pgrp, long utimeTicks, long stimeTicks,
    long startTicks, long rssPages) {

  /** Whether the process has not ended yet (a zombie has: it runs nothing and holds nothing). */
  public boolean running() {
    return state != 'Z' && state != 'X' && state != 'x';
  }

  /** Resident memory in bytes: {@link #rssPages} times the page size. */
  public long residentBytes() {
    return rssPages * ProcFs.pageSize();
  }

  /** Whether it is stopped by a signal ({@code SIGSTOP}, {@code SIGTSTP}) or by a tracer. */
  public boolean stopped() {
    return state == 'T' || state == 't';
  }

  /** Whether {@code other} describes the same process (same pid, same start), not a reused pid. */
  public boolean sameProcess(ProcStat other) {
    return pid == other.pid && startTicks == other.startTicks;
  }

  /** The state with what it means, for people: {@code "T (stopped by a signal, e.g. SIGSTOP)"}. */
  public static String describe(char state) {
    return switch (state) {
      case 'R' -> "R (running)";
      case 'S' -> "S (sleeping)";
      case 'D' -> "D (uninterruptible wait, usually I/O)";
      case 'T' -> "T (stopped by a signal, e.g. SIGSTOP)";
      case 't' -> "t (stopped by a tracer)";
      case 'Z' -> "Z (zombie)";
      default -> String.valueOf(state);
    };
  }

  /**
   * Parses one stat line, or empty when it is not one. The command name sits between the first
   * {@code '('} and the last {@code ')'}: it may itself hold spaces and parentheses ({@code "1 (a) b) S
   * ..."}), so the fields are counted after the last {@code ')'}.
   */
  public static Optional<ProcStat> parse(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 1 || close < open || close + 2 > line.length()) {
      return Optional.empty();
    }
    String[] f = line.substring(close + 2).trim().split(" ");
    if (f.length < 22 || f[0].length() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ProcStat(Long.parseLong(line.substring(0, open).trim()), line.substring(open + 1, close),
          f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[11]), Long.parseLong(f[12]),
          Long.parseLong(f[19]), Long.parseLong(f[21])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
