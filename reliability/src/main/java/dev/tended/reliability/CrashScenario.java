package dev.tended.reliability;

import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash at any instant: two producers run the whole time (one replaces {@code ideas_log.json}
 * atomically, one appends JSON Lines to {@code QAissue.json} carelessly) while the worker is killed
 * with SIGKILL at random moments and started again; handlers take a little time, so kills land while
 * handlers run (they run on, and the next worker adopts them), while the ledger commits and while
 * {@code status.json} is written. The sources have the shipped retry defaults. At the end every
 * produced item must have succeeded exactly once and none may have run again after finishing.
 */
final class CrashScenario implements Scenario {
  private static final int MAX_KILL_DELAY_MS = 1_200;

  @Override
  public String name() {
    return "crash";
  }

  @Override
  public List<Outcome> run(Suite suite) throws Exception {
    String fault = "SIGKILL of the worker at random instants, 2 producers running";
    boolean reaper = Subreaper.become();
    try (Rig rig = new Rig(suite, "crash")) {
      Path handler = rig.handler("handle.sh", "sleep 0.05");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 2, handler, ""))
          .source(Rig.jsonQueue("qa-issues", "QAissue.json", 1, handler, ""))
          .heartbeat("100ms")
          .write();
      Duration every = suite.profile().produceEvery();
      Producer ideas = new Producer.AtomicReplace(rig.dataDir().resolve("ideas_log.json"), "idea", every);
      Producer qa = new Producer.CarelessAppend(rig.dataDir().resolve("QAissue.json"), "qa",
          every.multipliedBy(4).dividedBy(3));
      long maxRecovery = 0;
      java.util.Set<String> cutWrites = new java.util.HashSet<>();
      int leftRunning = 0;
      ideas.start();
      qa.start();
      long t0 = System.nanoTime();
      try {
        for (int k = 0; k < suite.profile().kills(); k++) {
          maxRecovery = Math.max(maxRecovery, rig.startAndAwaitBeat());
          Thread.sleep(ThreadLocalRandom.current().nextInt(MAX_KILL_DELAY_MS));
          WorkerProcess.signal(rig.worker().pid(), "KILL");
          if (rig.worker().waitFor(Duration.ofSeconds(30)).isEmpty()) {
            throw new IllegalStateException("worker " + rig.worker().pid() + " did not die of SIGKILL");
          }
          cutWrites.addAll(leftoverTemps(rig.dataDir()));
          leftRunning += reaper ? Subreaper.reapEndedExcept(-1) : 0;
        }
      } finally {
        ideas.close();
        qa.close();
      }
      Map<String, List<String>> produced = new LinkedHashMap<>();
      produced.put("ideas", ideas.ids());
      produced.put("qa-issues", qa.ids());
      long total = produced.values().stream().mapToLong(List::size).sum();
      Pace pace = Pace.measured(rig.slowestStart(), System.nanoTime() - t0, PowerCutScenario.finishedSoFar(rig));
      maxRecovery = Math.max(maxRecovery, rig.startAndAwaitBeat());
      rig.awaitDrained(total, pace);
      int exit = rig.stop();
      if (reaper) {
        Subreaper.reapEndedExcept(-1);
      }
      Audit audit = Audit.of(rig.dataDir(), produced, RunLog.read(rig.runLog()));
      boolean ok = audit.clean() && exit == 0;
      String note = "interrupted runs (run again): " + audit.interruptedRuns()
          + "; kills during a status write (temp file left): " + cutWrites.size()
          + "; handlers left running by a kill (adopted by the next worker): " + leftRunning
          + (reaper ? "" : " (not a subreaper here)")
          + (exit == 0 ? "" : "; last stop exit " + exit)
          + (audit.problems().isEmpty() ? "" : "; " + String.join("; ", audit.problems()));
      return List.of(new Outcome(fault, suite.profile().kills(), audit.produced(), audit.succeeded(), audit.lost(),
          audit.rerunAfterFinish(), maxRecovery, Outcome.verdict(ok), note));
    }
  }

  static boolean allDone(WorkerStatus s, long total) {
    long done = 0;
    for (SourceStatus src : s.sources().values()) {
      if (src.pending() + src.running() + src.failed() > 0) {
        return false;
      }
      done += src.succeeded();
    }
    return done >= total;
  }

  /** Temporary files of an atomic write that a kill interrupted (the write never became visible). */
  static java.util.Set<String> leftoverTemps(Path dataDir) throws IOException {
    java.util.Set<String> names = new java.util.HashSet<>();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(dataDir, ".status.json.tmp-*")) {
      d.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }
}
