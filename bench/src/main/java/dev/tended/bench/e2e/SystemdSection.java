package dev.tended.bench.e2e;

import dev.tended.bench.Figure;
import dev.tended.bench.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Freeze ({@code SIGSTOP}) of a worker → the new worker's first beat under a real systemd, systemd's own
 * watchdog beside tended's supervisor in the same container: runs {@code systemd/test/watchdog-bench.sh}
 * (Debian's systemd booted in systemd-nspawn, the built {@code .deb} installed) and turns its
 * {@code FIGURE}, {@code PHASE} and {@code CONFIG} lines into rows. Needs root and the {@code .deb};
 * without them, or where the script skips, the rows say n/a and why.
 */
public final class SystemdSection {
  static final String SCRIPT = "systemd/test/watchdog-bench.sh";
  static final String WATCHDOG_ROW = "freeze → new worker's first beat (systemd watchdog)";
  static final String SUPERVISOR_ROW = "freeze → new worker's first beat (supervisor, real systemd)";
  private static final String WATCHDOG_HOW = "SIGSTOP right after a WATCHDOG=1 ping, WatchdogSec=10s";
  private static final String SUPERVISOR_HOW = "SIGSTOP right after a beat, staleAfter 10 s";
  private static final long LIMIT_MINUTES = 30;
  private static final Pattern LINE = Pattern.compile("^(FIGURE|PHASE|CONFIG) (\\S+) (.*)$");
  private static final Pattern SPAN = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|min|h|s)");

  private final Path root;
  private final int samples;
  private final boolean mayBuildRootfs;

  /**
   * @param root the source tree
   * @param samples freezes per way
   * @param mayBuildRootfs whether the script may build a missing rootfs (debootstrap, minutes), or skip
   */
  public SystemdSection(Path root, int samples, boolean mayBuildRootfs) {
    this.root = root;
    this.samples = samples;
    this.mayBuildRootfs = mayBuildRootfs;
  }

  /** The rows when the section was not selected, so the table still shows where they would be. */
  public static List<Figure> notSelected() {
    return notMeasured("not in this run: bench/run.sh --only systemd (as root) measures it in a real systemd");
  }

  public List<Figure> run() throws IOException, InterruptedException {
    if (!isRoot()) {
      return notMeasured("needs root: " + SCRIPT + " boots a real systemd with systemd-nspawn");
    }
    if (deb().isEmpty()) {
      return notMeasured("no packaging/target/tended_*_all.deb: bench/run.sh builds it when run as root with this"
          + " section selected, or mvn -B -Pdeb package -DskipTests");
    }
    Path log = root.resolve("bench/target/systemd-watchdog.log");
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(List.of(root.resolve(SCRIPT).toString(), "--samples",
        Integer.toString(samples)));
    if (!mayBuildRootfs) {
      command.add("--no-build");
    }
    Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
      p.destroy(); // SIGTERM: the script's trap stops its container
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return notMeasured(SCRIPT + " did not finish within " + LIMIT_MINUTES + " min; see bench/target/systemd-watchdog.log");
    }
    return figures(Files.readAllLines(log), p.exitValue());
  }

  /** The rows from the script's output and exit code. */
  static List<Figure> figures(List<String> output, int exit) {
    Optional<String> skip = output.stream().filter(l -> l.contains("SKIP: ")).findFirst();
    if (skip.isPresent()) {
      return notMeasured(skip.get().substring(skip.get().indexOf("SKIP: ") + 6));
    }
    Map<String, Map<String, String>> figures = new HashMap<>();
    Map<String, Map<String, String>> config = new HashMap<>();
    Map<String, String> phases = new LinkedHashMap<>();
    for (String line : output) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String[] rest = m.group(3).split(" ");
      switch (m.group(1)) {
        case "FIGURE" -> {
          Map<String, String> f = pairs(rest, 1);
          f.put("value", rest[0]);
          figures.put(m.group(2), f);
        }
        case "PHASE" -> phases.put(rest[0], rest.length > 1 && rest[1].matches("[0-9.]+")
            ? Format.number(Double.parseDouble(rest[1])) : "n/a");
        default -> config.put(m.group(2), pairs(rest, 0));
      }
    }
    if (exit != 0 || !figures.containsKey("watchdog") || !figures.containsKey("supervisor")) {
      String why = output.stream().filter(l -> l.contains("FAILED: ")).reduce((a, b) -> b)
          .map(l -> l.substring(l.indexOf("FAILED: ") + 8))
          .orElse(SCRIPT + " exited " + exit + " without both figures");
      return notMeasured(why + "; see bench/target/systemd-watchdog.log");
    }
    return List.of(watchdogRow(figures.get("watchdog"), config.getOrDefault("watchdog", Map.of()), phases),
        supervisorRow(figures.get("supervisor")));
  }

  private static Figure watchdogRow(Map<String, String> f, Map<String, String> unit, Map<String, String> phases) {
    double watchdog = seconds(unit.getOrDefault("WatchdogSec", "10s"));
    double abort = seconds(unit.getOrDefault("TimeoutAbortSec", "0"));
    double restart = seconds(unit.getOrDefault("RestartSec", "0"));
    String dump = phases.getOrDefault("dump", "n/a");
    String note = "systemd's path, median times from the freeze: watchdog fired (SIGQUIT with SIGCONT) +"
        + phases.getOrDefault("fired", "?") + " s, "
        + (dump.equals("n/a") ? "no thread dump in the journal" : "thread dump in the journal +" + dump + " s")
        + ", SIGKILL +" + phases.getOrDefault("sigkill", "?")
        + " s (TimeoutAbortSec=" + unit.getOrDefault("TimeoutAbortSec", "?") + " waits for a JVM that lives on"
        + " after SIGQUIT), restart +" + phases.getOrDefault("restart", "?") + " s (RestartSec="
        + unit.getOrDefault("RestartSec", "?") + "), READY=1 +" + phases.getOrDefault("ready", "?") + " s; goal: "
        + Format.number(watchdog + 3) + " s + TimeoutAbortSec + RestartSec; " + spread(f)
        + "; Debian bookworm's systemd 252 in systemd-nspawn, the .deb's tended-worker.service, no supervisor running";
    return Figure.atMost(WATCHDOG_ROW, WATCHDOG_HOW + ", TimeoutAbortSec=" + unit.getOrDefault("TimeoutAbortSec", "?")
        + ", RestartSec=" + unit.getOrDefault("RestartSec", "?") + " (shipped), median of " + f.get("samples"),
        Double.parseDouble(f.get("value")), "s", watchdog + 3 + abort + restart, note);
  }

  private static Figure supervisorRow(Map<String, String> f) {
    return Figure.atMost(SUPERVISOR_ROW, SUPERVISOR_HOW + ", heartbeat 2 s, tended.service (child mode), median of "
        + f.get("samples"), Double.parseDouble(f.get("value")), "s", RestartSection.STALE_AFTER_S + 3,
        spread(f) + "; the same container as the row above, the .deb's unit and sandbox");
  }

  private static String spread(Map<String, String> f) {
    return "min " + Format.number(Double.parseDouble(f.get("min"))) + " s, max "
        + Format.number(Double.parseDouble(f.get("max"))) + " s";
  }

  private static List<Figure> notMeasured(String why) {
    return List.of(Figure.notMeasured(WATCHDOG_ROW, WATCHDOG_HOW, "≤ 13 s + TimeoutAbortSec + RestartSec", why),
        Figure.notMeasured(SUPERVISOR_ROW, SUPERVISOR_HOW, "≤ 13.0 s", why));
  }

  private static Map<String, String> pairs(String[] words, int from) {
    Map<String, String> m = new HashMap<>();
    for (int i = from; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq > 0) {
        m.put(words[i].substring(0, eq), words[i].substring(eq + 1));
      }
    }
    return m;
  }

  /** Seconds in a systemd time span as {@code systemctl show} prints it: {@code 10s}, {@code 1min 30s}, {@code 500ms}. */
  static double seconds(String span) {
    Matcher m = SPAN.matcher(span);
    double s = 0;
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      s += switch (m.group(2)) {
        case "ms" -> v / 1000;
        case "min" -> v * 60;
        case "h" -> v * 3600;
        default -> v;
      };
    }
    return s;
  }

  private Optional<Path> deb() throws IOException {
    Path dir = root.resolve("packaging/target");
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().matches("tended_.*_all\\.deb")).findFirst();
    }
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
