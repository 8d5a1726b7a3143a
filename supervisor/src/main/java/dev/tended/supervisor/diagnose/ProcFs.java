package dev.tended.supervisor.diagnose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Linux's {@code /proc} says about a process, readable even when the process is frozen and
 * cannot answer anything itself. Every method returns empty rather than throwing.
 */
final class ProcFs {
  private static final Path PROC = Path.of("/proc");

  private ProcFs() {}

  /** The command line, arguments joined by spaces. */
  static Optional<String> cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      String s = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The one-letter state of {@code /proc/<pid>/stat}: R, S, D, T (stopped), t (traced), Z ... */
  static Optional<String> state(long pid) {
    return stateOf(PROC.resolve(Long.toString(pid)).resolve("stat"));
  }

  private static Optional<String> stateOf(Path stat) {
    try {
      String s = Files.readString(stat);
      int close = s.lastIndexOf(')');
      return close < 0 || close + 2 >= s.length() ? Optional.empty() : Optional.of(s.substring(close + 2, close + 3));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether the process is stopped by a signal (SIGSTOP, SIGTSTP) or a tracer. */
  static boolean stopped(long pid) {
    return state(pid).map(s -> s.equals("T") || s.equals("t")).orElse(false);
  }

  /** One line per thread: tid, state, name as the kernel knows it (the JVM sets it, truncated to 15 characters). */
  static List<String> threads(long pid) {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("task"))) {
      for (Path t : tasks) {
        String comm;
        try {
          comm = Files.readString(t.resolve("comm")).strip();
        } catch (IOException e) {
          comm = "?";
        }
        out.add(String.format("%8s  %s  %s", t.getFileName(), stateOf(t.resolve("stat")).orElse("?"), comm));
      }
    } catch (IOException | RuntimeException e) {
      return out;
    }
    out.sort(null);
    return out;
  }

  static String describeState(String s) {
    return switch (s) {
      case "R" -> "R (running)";
      case "S" -> "S (sleeping)";
      case "D" -> "D (uninterruptible wait, usually I/O)";
      case "T" -> "T (stopped by a signal, e.g. SIGSTOP)";
      case "t" -> "t (stopped by a tracer)";
      case "Z" -> "Z (zombie)";
      default -> s;
    };
  }
}
