package dev.tended.bench.e2e;

import dev.tended.bench.Figure;
import dev.tended.bench.Format;
import dev.tended.bench.Profile;
import dev.tended.bench.Stats;
import dev.tended.testkit.Jars;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.NotifySocket;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Start → first heartbeat of the worker jar, with the JVM's defaults, with {@code deploy/jvm.options}
 * and with those plus an AppCDS archive made by a first run ({@code -XX:ArchiveClassesAtExit}); and
 * start → {@code READY=1} of the worker and of the supervisor, on a notification socket of our own:
 * with {@code java -jar} and {@code jvm.options}, and through the launcher {@code deploy/bin/tended}
 * as an installed system runs them (the supervisor's own options, each daemon's AppCDS archive, the
 * supervisor starting its worker through the launcher too). The launcher makes its archives on its
 * first run; that run is not measured.
 */
public final class StartupSection {
  private final Profile profile;
  private final Jars jars;
  private final Path work;

  public StartupSection(Profile profile, Jars jars, Path work) {
    this.profile = profile;
    this.jars = jars;
    this.work = work;
  }

  public List<Figure> run() throws Exception {
    JvmFlags tuned = JvmFlags.optionsFile(jars.jvmOptions());
    Path archive = work.resolve("tended-worker.jsa");
    startOnce(tuned.plus("archive", "-XX:ArchiveClassesAtExit=" + archive), "archive");
    List<JvmFlags> variants = new ArrayList<>(List.of(JvmFlags.defaults(), tuned));
    if (Files.isRegularFile(archive)) {
      variants.add(tuned.plus("jvm.options + AppCDS", "-XX:SharedArchiveFile=" + archive));
    }
    List<Figure> out = new ArrayList<>();
    for (JvmFlags flags : variants) {
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < profile.startRuns(); i++) {
        ms.add(startOnce(flags, flags.name().replaceAll("\\W+", "-") + "-" + i) / 1e6);
      }
      Stats s = Stats.of(ms);
      out.add(Figure.atMost("worker start → first beat (" + flags.name() + ")",
          "java -jar to status.json with its pid, median of " + s.count(), s.p50(), "ms", 1000,
          "min " + Format.number(s.min()) + " ms, max " + Format.number(s.max()) + " ms"));
    }
    for (String daemon : List.of("worker", "supervisor")) {
      if (daemon.equals("supervisor") && jars.supervisor().isEmpty()) {
        out.add(Figure.notMeasured("supervisor start → READY=1", "sd_notify socket", "≤ 1.0 s",
            "supervisor jar not built (bench/run.sh builds it)"));
        continue;
      }
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < profile.startRuns(); i++) {
        ms.add(readyOnce(daemon, daemon + "-ready-" + i, jarCommand(tuned, daemon)) / 1e6);
      }
      Stats s = Stats.of(ms);
      out.add(Figure.atMost(daemon + " start → READY=1 (jvm.options)",
          "java -jar to READY=1 on an AF_UNIX datagram socket given as NOTIFY_SOCKET, median of " + s.count(),
          s.p50(), "ms", 1000, "min " + Format.number(s.min()) + " ms, max " + Format.number(s.max()) + " ms"
              + (daemon.equals("supervisor") ? "; child mode: READY=1 waits for its worker's first beat, so two JVM"
                  + " starts in a row" : "; sent once the ledger is open and every source was polled once")));
    }
    if (jars.supervisor().isPresent() && Files.isExecutable(jars.launcher())) {
      out.addAll(throughLauncher());
    }
    return out;
  }

  /** The launcher's rows: one unmeasured run (it makes the archives when missing), then the starts. */
  private List<Figure> throughLauncher() throws Exception {
    readyOnce("worker", "launcher-warm-up", launcherCommand("worker"));
    List<Figure> out = new ArrayList<>();
    for (String daemon : List.of("worker", "supervisor")) {
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < profile.startRuns(); i++) {
        ms.add(readyOnce(daemon, daemon + "-launcher-" + i, launcherCommand(daemon)) / 1e6);
      }
      Stats s = Stats.of(ms);
      out.add(Figure.atMost(daemon + " start → READY=1 (launcher: jvm.options + AppCDS)",
          "deploy/bin/tended " + (daemon.equals("worker") ? "worker" : "supervise") + " to READY=1, median of "
              + s.count(), s.p50(), "ms", 1000,
          "min " + Format.number(s.min()) + " ms, max " + Format.number(s.max()) + " ms"
              + (daemon.equals("supervisor") ? "; its worker started through the launcher too" : "")
              + (archivesMade() ? "" : "; NO archive was made: the launcher ran without AppCDS")));
    }
    return out;
  }

  private boolean archivesMade() {
    Path dir = jars.launcher().getParent().resolve("../../worker/target").normalize();
    return Files.isRegularFile(dir.resolve("tended-worker.jsa")) && Files.isRegularFile(dir.resolve("tended-supervisor.jsa"));
  }

  /** {@code java <flags> -jar <jar> [supervise] --config FILE}, as a function of the configuration file. */
  private java.util.function.Function<Path, List<String>> jarCommand(JvmFlags flags, String daemon) {
    Path jar = daemon.equals("worker") ? jars.worker() : jars.supervisor().orElseThrow();
    return file -> flags.command(daemon.equals("worker")
        ? List.of("-jar", jar.toString(), "--config", file.toString())
        : List.of("-jar", jar.toString(), "supervise", "--config", file.toString()));
  }

  /** {@code deploy/bin/tended worker|supervise --config FILE}. */
  private java.util.function.Function<Path, List<String>> launcherCommand(String daemon) {
    return file -> List.of(jars.launcher().toString(), daemon.equals("worker") ? "worker" : "supervise",
        "--config", file.toString());
  }

  /** Starts {@code daemon} with a notification socket of our own; nanoseconds from start to READY=1. */
  private long readyOnce(String daemon, String name, java.util.function.Function<Path, List<String>> command)
      throws Exception {
    TestConfig config = WorkerRig.config(work.resolve("start-" + name))
        .addJsonQueue("ideas", "ideas_log.json", "2s", 1, Path.of("/bin/true"));
    config.write();
    try (NotifySocket socket = NotifySocket.bind(config.dir().resolve("notify.sock"));
        WorkerProcess p = WorkerProcess.start(command.apply(config.file()),
            Map.of("NOTIFY_SOCKET", socket.path().toString()), config.dir().resolve(daemon + ".out"))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Optional<NotifySocket.Message> ready = Optional.empty();
      while (ready.isEmpty() && System.nanoTime() < deadline && p.isAlive()) {
        ready = socket.first(m -> m.has("READY=1"));
        if (ready.isEmpty()) {
          Thread.sleep(2);
        }
      }
      if (ready.isEmpty()) {
        throw new IllegalStateException(daemon + " sent no READY=1 within 60 s; see " + config.dir());
      }
      int exit = p.stop(Duration.ofSeconds(20));
      if (exit != 0) {
        throw new IllegalStateException(daemon + " exited " + exit + " on SIGTERM; see " + config.dir());
      }
      return ready.get().atNanos() - p.startedNanos();
    }
  }

  private long startOnce(JvmFlags flags, String name) throws Exception {
    TestConfig config = WorkerRig.config(work.resolve("start-" + name))
        .addJsonQueue("ideas", "ideas_log.json", "2s", 1, Path.of("/bin/true"));
    config.write();
    try (WorkerRig rig = new WorkerRig(config, jars.worker())) {
      long nanos = rig.start(flags);
      int exit = rig.stop();
      if (exit != 0) {
        throw new IllegalStateException("worker exited " + exit + " on SIGTERM; see " + config.dir());
      }
      return nanos;
    }
  }
}
