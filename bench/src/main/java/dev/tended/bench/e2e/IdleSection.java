package dev.tended.bench.e2e;

import dev.tended.bench.Figure;
import dev.tended.bench.Format;
import dev.tended.bench.ProcStats;
import dev.tended.bench.Profile;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Jars;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Idle footprint: workers with three sources polling (two JSON queues every 2 s, a folder every 3 s,
 * heartbeat every 5 s), their items done, watched for the profile's idle time: one with the JVM's
 * defaults, one with {@code deploy/jvm.options}; beside them monit watching a status file and, when
 * built, the supervisor with its worker, started with {@code java -jar} and once more through the
 * launcher {@code deploy/bin/tended supervise} as an installed system runs it (the supervisor's own
 * options, AppCDS archives, the worker started through the launcher). All run at once, so they share
 * the same minutes.
 */
public final class IdleSection {
  private final Profile profile;
  private final Jars jars;
  private final Path work;

  public IdleSection(Profile profile, Jars jars, Path work) {
    this.profile = profile;
    this.jars = jars;
    this.work = work;
  }

  public List<Figure> run() throws Exception {
    JvmFlags tuned = JvmFlags.optionsFile(jars.jvmOptions());
    Map<String, Long> pids = new LinkedHashMap<>();
    List<AutoCloseable> running = new ArrayList<>();
    List<StatusProbe> settled = new ArrayList<>();
    try {
      for (JvmFlags flags : List.of(JvmFlags.defaults(), tuned)) {
        TestConfig config = threeSources("idle-worker-" + flags.name().replaceAll("\\W+", "-"));
        WorkerRig rig = new WorkerRig(config, jars.worker());
        running.add(rig);
        rig.start(flags);
        pids.put("worker (" + flags.name() + ")", rig.worker().pid());
        settled.add(rig.status());
      }
      if (jars.supervisor().isPresent()) {
        TestConfig config = threeSources("idle-supervisor");
        List<String> workerCmd = new WorkerRig(config, jars.worker()).workerCommand(tuned);
        config.supervisor(Watchers.supervisorSection(120, workerCmd)).write();
        Watchers.Watcher sup = Watchers.supervisor(jars.supervisor().get(), tuned, config);
        running.add(sup);
        pids.put("supervisor (jvm.options)", sup.pid());
        settled.add(StatusProbe.tolerant(config.statusFile()));
      }
      Long launched = null;
      if (jars.supervisor().isPresent() && Files.isExecutable(jars.launcher())) {
        TestConfig config = threeSources("idle-launcher");
        config.supervisor("{ staleAfter: 120s, startupGrace: 60s, stopGrace: 4s, restartWith: child }").write();
        WorkerProcess p = WorkerProcess.start(List.of(jars.launcher().toString(), "supervise", "--config",
            config.file().toString()), Map.of(), config.dir().resolve("supervisor.out"));
        running.add(p);
        launched = p.pid();
        settled.add(StatusProbe.tolerant(config.statusFile()));
      }
      if (Watchers.monitInstalled()) {
        TestConfig config = threeSources("idle-monit");
        List<String> workerCmd = new WorkerRig(config, jars.worker()).workerCommand(tuned);
        Watchers.Watcher monit = Watchers.monit(config, workerCmd, 120);
        running.add(monit);
        pids.put("monit", monit.pid());
        settled.add(StatusProbe.tolerant(config.statusFile()));
      }
      for (StatusProbe s : settled) {
        s.await(IdleSection::allDone, Duration.ofSeconds(60));
      }
      if (launched != null) {
        long child = ProcessHandle.of(launched).flatMap(h -> h.children().findFirst()).map(ProcessHandle::pid)
            .orElseThrow(() -> new IllegalStateException("the launcher's supervisor has no worker child"));
        pids.put("supervisor (launcher)", launched);
        pids.put("worker (launcher, the supervisor's child)", child);
      }
      Thread.sleep(10_000); // let start-up work (JIT, first GCs) finish
      Map<String, ProcStats> before = new LinkedHashMap<>();
      for (var e : pids.entrySet()) {
        before.put(e.getKey(), ProcStats.of(e.getValue()));
      }
      long t0 = System.nanoTime();
      Thread.sleep(profile.idle().toMillis());
      long wall = System.nanoTime() - t0;
      List<Figure> out = new ArrayList<>();
      String how = "after " + format(profile.idle()) + " idle, 3 sources polling";
      for (var e : pids.entrySet()) {
        ProcStats now = ProcStats.of(e.getValue());
        double cpu = now.cpuPercentSince(before.get(e.getKey()), wall);
        String who = e.getKey();
        if (who.startsWith("worker")) {
          out.add(Figure.atMost("idle " + who + ": RSS", how, now.rssMiB(), "MiB", 64, ""));
          out.add(Figure.atMost("idle " + who + ": CPU", how, cpu, "% of a core", 0.2, ""));
        } else if (who.startsWith("supervisor")) {
          out.add(Figure.atMost("idle " + who + ": RSS", "watching an idle worker", now.rssMiB(), "MiB", 48, ""));
          out.add(Figure.atMost("idle " + who + ": CPU", "watching an idle worker", cpu, "% of a core", 0.1, ""));
        } else {
          out.add(Figure.info("idle monit: RSS / CPU", "set daemon 1, one check file",
              Format.number(now.rssMiB()) + " MiB / " + Format.number(cpu) + " % of a core", "for comparison"));
        }
      }
      if (jars.supervisor().isEmpty()) {
        out.add(Figure.notMeasured("idle supervisor: RSS / CPU", "watching an idle worker", "≤ 48 MiB / ≤ 0.1 %",
            "supervisor jar not built (bench/run.sh builds it)"));
      }
      return out;
    } finally {
      for (AutoCloseable c : running) {
        c.close();
      }
    }
  }

  private static boolean allDone(WorkerStatus s) {
    return "running".equals(s.state()) && s.sources().size() == 3
        && s.sources().values().stream().allMatch(x -> x.pending() == 0 && x.running() == 0 && x.succeeded() > 0);
  }

  private TestConfig threeSources(String name) throws java.io.IOException {
    TestConfig config = WorkerRig.config(work.resolve(name));
    Path t = Path.of("/bin/true");
    config.addJsonQueue("ideas", "ideas_log.json", "2s", 1, t)
        .addJsonQueue("qa-issues", "QAissue.json", "2s", 1, t)
        .addDirectory("implementations", "implementations", "3s", t)
        .write();
    Path data = config.dataDir();
    Files.writeString(data.resolve("ideas_log.json"), "[{\"id\": 1, \"title\": \"a\"}, {\"id\": 2, \"title\": \"b\"}]\n");
    Files.writeString(data.resolve("QAissue.json"), "{\"id\": 101, \"text\": \"x\"}\n{\"id\": 102, \"text\": \"y\"}\n");
    Files.createDirectories(data.resolve("implementations/first"));
    Files.writeString(data.resolve("implementations/first/notes.txt"), "done\n");
    return config;
  }

  private static String format(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }
}
