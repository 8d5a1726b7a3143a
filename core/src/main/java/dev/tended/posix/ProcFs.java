package dev.tended.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The one reader of Linux's {@code /proc}: what it says about a process is readable even when the
 * process is frozen or a zombie and cannot answer itself, and it tells what {@link ProcessHandle}
 * does not (process group, state, kernel thread names, open descriptors). A process that is gone,
 * or ends while it is read, yields empty: nothing here throws for it. Stateless.
 */
public final class ProcFs {
  private static final Path PROC = Path.of("/proc");
  private static final long DEFAULT_PAGE_SIZE = 4096;
  private static final long PAGE_SIZE = readPageSize();

  private ProcFs() {}

  /** One thread of a process: its id, state letter and name as the kernel knows it (15 bytes at most). */
  public record Task(long tid, char state, String name) {}

  /** The stat line of {@code pid}, or empty when it no longer exists. */
  public static Optional<ProcStat> stat(long pid) {
    return readStat(dir(pid).resolve("stat"));
  }

  /** This JVM's own stat line. */
  public static Optional<ProcStat> self() {
    return stat(ProcessHandle.current().pid());
  }

  /** Whether {@code pid} exists and has not ended (a zombie has ended). */
  public static boolean running(long pid) {
    return stat(pid).map(ProcStat::running).orElse(false);
  }

  /** Every process that could be read now; those that end during the scan are left out. */
  public static ProcessTable table() {
    List<ProcStat> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcFs::isNumbered)) {
      for (Path d : dirs) {
        readStat(d.resolve("stat")).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
    }
    return new ProcessTable(out);
  }

  /** The command line, arguments joined by spaces; empty for a zombie or a kernel thread. */
  public static Optional<String> cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(dir(pid).resolve("cmdline"));
      String s = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The threads of {@code pid}, by thread id; empty when it is gone. */
  public static List<Task> tasks(long pid) {
    List<Task> out = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir(pid).resolve("task"), ProcFs::isNumbered)) {
      for (Path t : tasks) {
        readStat(t.resolve("stat")).ifPresent(s -> out.add(new Task(s.pid(), s.state(), s.comm())));
      }
    } catch (IOException | RuntimeException e) {
      return out;
    }
    out.sort(Comparator.comparingLong(Task::tid));
    return out;
  }

  /** How many file descriptors {@code pid} has open; empty when it cannot be read. */
  public static OptionalLong openFileCount(long pid) {
    try (Stream<Path> fds = Files.list(dir(pid).resolve("fd"))) {
      return OptionalLong.of(fds.count());
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Resident memory of {@code pid} in KiB, from the {@code rss} field of its stat line (the counter
   * {@code VmRSS} shows too); empty for a zombie or when it is gone.
   */
  public static OptionalLong residentKiB(long pid) {
    return stat(pid).filter(ProcStat::running).map(s -> OptionalLong.of(s.residentBytes() / 1024))
        .orElse(OptionalLong.empty());
  }

  /** The size of a memory page, which {@code rss} counts in: the kernel's answer, else 4 KiB. */
  public static long pageSize() {
    return PAGE_SIZE;
  }

  private static long readPageSize() {
    if (LibC.failure().isEmpty()) {
      try {
        int size = LibC.getpagesize();
        if (size > 0) {
          return size;
        }
      } catch (LinkageError | RuntimeException e) {
        // The binding failed after all: the default below is right on x86-64 and most arm64 kernels.
      }
    }
    return DEFAULT_PAGE_SIZE;
  }

  /**
   * Whether the environment of {@code pid} holds the entry {@code entry} (a whole {@code NAME=value}),
   * or empty when it cannot be told now: the process is gone, a zombie, another user's, or between
   * two programs in {@code execve} (its environment then reads as nothing for an instant).
   */
  public static Optional<Boolean> environmentHolds(long pid, String entry) {
    byte[] wanted = entry.getBytes(StandardCharsets.UTF_8);
    byte[] env;
    try {
      env = Files.readAllBytes(dir(pid).resolve("environ"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (env.length == 0) {
      return Optional.empty();
    }
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start == wanted.length && Arrays.equals(env, start, i, wanted, 0, wanted.length)) {
          return Optional.of(true);
        }
        start = i + 1;
      }
    }
    return Optional.of(false);
  }

  /** Clock ticks per second of the start times in {@code stat} ({@code USER_HZ}, 100 on every Linux). */
  public static final long TICKS_PER_SECOND = 100;

  /** Time since boot ({@code /proc/uptime}), the clock process start times are counted on. */
  public static java.time.Duration uptime() {
    try {
      String first = Files.readString(PROC.resolve("uptime"), StandardCharsets.US_ASCII).trim().split(" ")[0];
      return java.time.Duration.ofNanos(new java.math.BigDecimal(first).movePointRight(9).longValue());
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/uptime: " + e, e);
    }
  }

  /** How long ago, by the boot clock, a process that started at {@code startTicks} started. */
  public static java.time.Duration age(long startTicks) {
    java.time.Duration since = uptime().minusMillis(startTicks * 1000 / TICKS_PER_SECOND);
    return since.isNegative() ? java.time.Duration.ZERO : since;
  }

  /** The link {@code /proc/self/fd/<fd>}: what this process's descriptor {@code fd} points at. */
  public static Path ownDescriptor(int fd) {
    return PROC.resolve("self").resolve("fd").resolve(Integer.toString(fd));
  }

  private static Path dir(long pid) {
    return PROC.resolve(Long.toString(pid));
  }

  private static Optional<ProcStat> readStat(Path stat) {
    try {
      return ProcStat.parse(Files.readString(stat, StandardCharsets.ISO_8859_1));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean isNumbered(Path p) {
    String name = p.getFileName().toString();
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }
}
