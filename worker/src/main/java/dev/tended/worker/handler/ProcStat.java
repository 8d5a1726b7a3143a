package dev.tended.worker.handler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /proc/<pid>/stat}: the facts needed to find the processes of an attempt. Read
 * from {@code /proc} rather than {@link ProcessHandle} because Java neither exposes the process
 * group nor tells a zombie from a running process (and where PID 1 does not reap orphans, zombies
 * of stopped handlers stay around).
 *
 * @param pid process id
 * @param state the one-letter state; {@code Z} and {@code X} mean it has ended
 * @param ppid parent process id
 * @param pgrp process group id
 * @param startTicks start time in clock ticks since boot, which tells a reused pid apart
 */
record ProcStat(long pid, char state, long ppid, long pgrp, long startTicks) {
  private static final Path PROC = Path.of("/proc");

  /** Whether the process has not ended yet (zombies have). */
  boolean running() {
    return state != 'Z' && state != 'X' && state != 'x';
  }

  /** Whether {@code other} describes the same process (same pid, same start). */
  boolean sameProcess(ProcStat other) {
    return pid == other.pid && startTicks == other.startTicks;
  }

  /** The current state of {@code pid}, or empty when it no longer exists. */
  static Optional<ProcStat> read(long pid) {
    try {
      return parse(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"),
          StandardCharsets.ISO_8859_1));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** This JVM's own line. */
  static Optional<ProcStat> self() {
    return read(ProcessHandle.current().pid());
  }

  /** Every process that could be read; ones that end during the scan are left out. */
  static List<ProcStat> all() {
    List<ProcStat> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcStat::isPidDir)) {
      for (Path dir : dirs) {
        read(Long.parseLong(dir.getFileName().toString())).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
    }
    return out;
  }

  /** Parses one stat line; the command name may hold spaces and parentheses, so split after the last ')'. */
  static Optional<ProcStat> parse(String line) {
    int close = line.lastIndexOf(')');
    if (close < 0) {
      return Optional.empty();
    }
    String[] f = line.substring(close + 2).trim().split(" ");
    if (f.length < 20) {
      return Optional.empty();
    }
    long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
    return Optional.of(new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
        Long.parseLong(f[19])));
  }

  private static boolean isPidDir(Path p) {
    String name = p.getFileName().toString();
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return !name.isEmpty();
  }
}
