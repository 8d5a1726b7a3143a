package dev.tended.reliability;

import dev.tended.testkit.WorkerProcess;
import dev.tended.testkit.faults.EnvironmentFaults;
import dev.tended.testkit.faults.PowerCut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Power loss of the files tended writes itself. A SIGKILL only loses what the process held, the
 * page cache survives it, so it cannot catch a missing force or a missing folder sync. Here the
 * worker runs through the test kit's faultable entry point ({@link Rig#startWithFaults}) with {@link
 * EnvironmentFaults#POWERCUT_DIR} set: every durable step of its own files (status,
 * results, quarantine copies) is recorded, and after each SIGKILL {@link PowerCut#apply} drops what
 * was not in its folder's last force and tears what was never forced. Then {@link AfterCut} checks
 * what is left, the worker restarts, and at the end every produced item must have succeeded exactly
 * once. A second row does the same while every Nth force fails, to prove that data whose force
 * failed is written again from scratch, never trusted.
 */
final class PowerCutScenario implements Scenario {
  private static final String BROKEN = "broken";
  private static final int MIN_RUN_MS = 300;
  private static final int MAX_RUN_MS = 2_000;
  private static final int FAIL_FORCE_EVERY = 5;

  @Override
  public String name() {
    return "powercut";
  }

  @Override
  public List<Outcome> run(Suite suite) throws Exception {
    int cuts = suite.profile().powerCuts();
    return List.of(
        run(suite, "powercut", "power cut (unforced writes dropped or torn)", cuts, Map.of()),
        run(suite, "powercut-failing-force", "power cut while every " + FAIL_FORCE_EVERY
            + "th force fails (pages dropped)", Math.max(2, cuts / 3),
            Map.of(EnvironmentFaults.FAIL_FORCE_EVERY, Integer.toString(FAIL_FORCE_EVERY))));
  }

  private Outcome run(Suite suite, String dir, String fault, int cuts, Map<String, String> extraEnv)
      throws Exception {
    try (Rig rig = new Rig(suite, dir)) {
      Path handler = rig.handler("handle.sh", "sleep 0.02");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 2, handler, ""))
          .source(Rig.jsonQueue(BROKEN, "broken.json", 1, handler, ""))
          .heartbeat("100ms")
          .write();
      Path shadow = rig.dir().resolve("powercut");
      Map<String, String> env = new LinkedHashMap<>(extraEnv);
      env.put(EnvironmentFaults.POWERCUT_DIR, shadow.toString());
      Producer ideas = new Producer.AtomicReplace(rig.dataDir().resolve("ideas_log.json"), "idea", Duration.ofMillis(150));
      Producer.SometimesBroken broken = new Producer.SometimesBroken(rig.dataDir().resolve("broken.json"), "b",
          Duration.ofMillis(150), Duration.ofMillis(700));
      Random random = new Random();
      Map<String, Map<PowerCut.Effect, Integer>> effects = new TreeMap<>();
      Set<String> problems = new LinkedHashSet<>();
      long maxRecovery = 0;
      int temps = 0;
      ideas.start();
      broken.start();
      long t0 = System.nanoTime();
      try {
        for (int k = 0; k < cuts; k++) {
          WorkerProcess p = rig.startWithFaults(env);
          maxRecovery = Math.max(maxRecovery, rig.awaitBeat(p));
          Thread.sleep(MIN_RUN_MS + random.nextInt(MAX_RUN_MS - MIN_RUN_MS));
          WorkerProcess.signal(p.pid(), "KILL");
          if (p.waitFor(Duration.ofSeconds(30)).isEmpty()) {
            throw new IllegalStateException("worker " + p.pid() + " did not die of SIGKILL");
          }
          for (PowerCut.Change c : PowerCut.apply(shadow, random)) {
            effects.computeIfAbsent(kind(rig.dataDir(), c.path()), x -> new EnumMap<>(PowerCut.Effect.class))
                .merge(c.effect(), 1, Integer::sum);
          }
          AfterCut after = AfterCut.check(rig.dataDir(), List.of("ideas", BROKEN), BROKEN, broken.versions());
          String cut = "after cut " + (k + 1) + ": ";
          after.problems().forEach(x -> problems.add(cut + x));
          temps = after.leftoverTemps();
        }
      } finally {
        ideas.close();
        broken.close();
      }
      Map<String, List<String>> produced = new LinkedHashMap<>();
      produced.put("ideas", ideas.ids());
      produced.put(BROKEN, broken.ids());
      long total = produced.values().stream().mapToLong(List::size).sum();
      Pace pace = Pace.measured(rig.slowestStart(), System.nanoTime() - t0, finishedSoFar(rig));
      WorkerProcess last = rig.startWithFaults(env);
      maxRecovery = Math.max(maxRecovery, rig.awaitBeat(last));
      rig.awaitDrained(total, pace);
      int exit = rig.stop();
      AfterCut atEnd = AfterCut.check(rig.dataDir(), List.of("ideas", BROKEN), BROKEN, broken.versions());
      atEnd.problems().forEach(x -> problems.add("at the end: " + x));
      Audit audit = Audit.of(rig.dataDir(), produced, RunLog.read(rig.runLog()));
      int copies = countCopies(rig.dataDir().resolve("quarantine").resolve(BROKEN));
      long failedForces = countOccurrences(rig.outputText(), "simulated failure to force");
      long recordRetries = countOccurrences(rig.outputText(), "item_record_failed");
      problems.addAll(unreached(shadow, !extraEnv.isEmpty(), failedForces));
      boolean ok = audit.clean() && exit == 0 && problems.isEmpty();
      String worker = rig.outputText();
      String note = "names dropped/rolled back/torn: " + perKind(effects) + "; quarantine copies kept " + copies
          + " (failed " + countOccurrences(worker, "queue_quarantine_failed ") + ", made afresh later "
          + countOccurrences(worker, "on a later poll, the first copy failed") + ")"
          + "; leftover temp copies " + temps
          + (extraEnv.isEmpty() ? "" : "; failed forces logged " + failedForces + " (results written again "
              + recordRetries + ")")
          + "; interrupted runs " + audit.interruptedRuns()
          + (exit == 0 ? "" : "; last stop exit " + exit)
          + (problems.isEmpty() ? "" : "; DEFECTS (" + problems.size() + "): "
              + String.join("; ", new ArrayList<>(problems).subList(0, Math.min(4, problems.size()))))
          + HangScenario.problems(audit);
      return new Outcome(fault, cuts, audit.produced(), audit.succeeded(), audit.lost(), audit.rerunAfterFinish(),
          maxRecovery, Outcome.verdict(ok), note);
    }
  }

  /**
   * What says the test kit's faults never reached the worker: no write recorded for the power cut, or
   * no failed force when forces were to fail. Either makes the row meaningless, so it fails.
   */
  static List<String> unreached(Path shadow, boolean forcesFail, long failedForces) {
    List<String> out = new ArrayList<>();
    if (!PowerCut.recorded(shadow)) {
      out.add("the power-cut recorder saw no write: the test kit's faults did not reach the worker");
    }
    if (forcesFail && failedForces == 0) {
      out.add("no force failed: the test kit's failing forces did not reach the worker");
    }
    return out;
  }

  /** Items the ledger has finished, read from the status file (0 when there is none yet). */
  static long finishedSoFar(Rig rig) {
    return rig.status().read().map(Pace::finished).orElse(0L);
  }

  private static String perKind(Map<String, Map<PowerCut.Effect, Integer>> effects) {
    List<String> parts = new ArrayList<>();
    for (String kind : List.of("status", "results", "quarantine")) {
      Map<PowerCut.Effect, Integer> e = effects.getOrDefault(kind, Map.of());
      parts.add(kind + " " + e.getOrDefault(PowerCut.Effect.DROPPED, 0) + "/"
          + e.getOrDefault(PowerCut.Effect.ROLLED_BACK, 0) + "/" + e.getOrDefault(PowerCut.Effect.TORN, 0));
    }
    return String.join(", ", parts);
  }

  /** status, results or quarantine: which of the worker's own files a changed name belongs to. */
  static String kind(Path dataDir, Path changed) {
    Path rel = dataDir.relativize(changed);
    return rel.getNameCount() > 1 || rel.getFileName().toString().equals("results")
        || rel.getFileName().toString().equals("quarantine") ? rel.getName(0).toString() : "status";
  }

  private static int countCopies(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (var s = Files.list(folder)) {
      return (int) s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    }
  }

  private static long countOccurrences(String text, String what) {
    long n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
