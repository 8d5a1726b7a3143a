package dev.tended.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What the figures were taken on: CPU, cores, memory, kernel, the JVM that runs the jars, the date,
 * and the load average (the figures mean little on a busy machine, so it is printed beside them).
 */
public record Machine(String cpu, int cores, long memoryMiB, String kernel, String jvm, Instant date,
    String load) {

  /** Looks at this machine now. */
  public static Machine probe() {
    return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), totalMemoryMiB(),
        firstLine(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version")),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        Instant.now().truncatedTo(ChronoUnit.SECONDS), loadAverage());
  }

  /** The machine, the JVM and the date as the first rows of a two-column Markdown table, header included. */
  public String markdownRows() {
    return "| machine | " + cpu + ", " + cores + " cores, " + memoryMiB + " MiB, Linux " + kernel + " |\n"
        + "|---|---|\n"
        + "| JVM | " + jvm + " |\n"
        + "| date | " + date + " |\n";
  }

  /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} has them. */
  public static String loadAverage() {
    String line = firstLine(Path.of("/proc/loadavg"), "? ? ?");
    String[] f = line.split(" ");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : line;
  }

  private static String cpuModel() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  private static long totalMemoryMiB() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return -1;
  }

  private static String firstLine(Path file, String otherwise) {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.isEmpty() ? otherwise : lines.get(0).trim();
    } catch (IOException e) {
      return otherwise;
    }
  }
}
