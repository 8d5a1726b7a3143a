package dev.tended.reliability;

import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A damaged ledger or status file. A garbage, truncated or emptied ledger at start is refused with a
 * message naming the recovery command (never silently replaced by an empty one, which would run
 * everything again); {@code tended recover-ledger} gets the worker going without re-running what
 * had finished. A garbage {@code status.json} is rewritten by the worker and is not a beat to the
 * supervisor.
 */
final class DamageScenario implements Scenario {
  private static final int ITEMS = 12;

  @Override
  public String name() {
    return "damage";
  }

  @Override
  public List<Outcome> run(Suite suite) throws Exception {
    List<Outcome> rows = new ArrayList<>();
    for (Damage d : Damage.values()) {
      rows.add(damagedLedger(suite, d));
    }
    rows.add(garbageStatusRewritten(suite));
    rows.add(garbageStatusIsNotABeat(suite));
    return rows;
  }

  enum Damage {
    GARBAGE("ledger overwritten with random bytes"),
    TRUNCATED("ledger truncated to half its size"),
    EMPTIED("ledger emptied (0 bytes)");

    final String fault;

    Damage(String fault) {
      this.fault = fault;
    }

    void apply(Path ledger) throws IOException {
      for (String suffix : List.of("-wal", "-shm")) {
        Files.deleteIfExists(ledger.resolveSibling(ledger.getFileName() + suffix));
      }
      switch (this) {
        case GARBAGE -> {
          byte[] b = new byte[(int) Math.max(4096, Files.size(ledger))];
          new Random(1).nextBytes(b);
          Files.write(ledger, b);
        }
        case TRUNCATED -> {
          try (RandomAccessFile f = new RandomAccessFile(ledger.toFile(), "rw")) {
            f.setLength(f.length() / 2);
          }
        }
        case EMPTIED -> Files.write(ledger, new byte[0]);
      }
    }
  }

  private Outcome damagedLedger(Suite suite, Damage damage) throws Exception {
    if (suite.jars().supervisor().isEmpty()) {
      return Outcome.skipped(damage.fault, "supervisor jar not built (recover-ledger)");
    }
    try (Rig rig = new Rig(suite, "damage-" + damage.name().toLowerCase())) {
      Path handler = rig.handler("ok.sh", "exit 0");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 2, handler, "")).write();
      Queues queue = new Queues(rig.dataDir().resolve("ideas_log.json"), "idea");
      queue.add(ITEMS);
      rig.startAndAwaitBeat();
      rig.awaitDrained(ITEMS, rig.pace());
      rig.stop();
      long runsBefore = RunLog.read(rig.runLog()).runs();
      Path ledger = rig.dataDir().resolve("ledger.db");
      damage.apply(ledger);
      byte[] damaged = Files.readAllBytes(ledger);

      long t0 = System.nanoTime();
      WorkerProcess refused = rig.start(List.of(), Map.of());
      OptionalInt exit = refused.waitFor(Duration.ofSeconds(60));
      String said = rig.outputText();
      boolean refusedWell = exit.isPresent() && exit.getAsInt() == 1 && said.contains("ledger_damaged")
          && said.contains("tended recover-ledger") && java.util.Arrays.equals(damaged, Files.readAllBytes(ledger));
      int recovered = recoverLedger(suite, rig);
      queue.add(4);
      long startMs = rig.startAndAwaitBeat();
      rig.awaitDrained(queue.count(), rig.pace());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      rig.stop();
      RunLog runs = RunLog.read(rig.runLog());
      Audit audit = Audit.of(rig.dataDir(), Map.of("ideas", queue.ids()), runs);
      long newRuns = runs.runs() - runsBefore;
      boolean ok = refusedWell && recovered == 0 && audit.clean() && newRuns == 4;
      return new Outcome(damage.fault, 1, audit.produced(), audit.succeeded(), audit.lost(),
          audit.rerunAfterFinish() + Math.max(0, newRuns - 4), ms, Outcome.verdict(ok),
          (refusedWell ? "refused to start (exit 1, ledger_damaged naming tended recover-ledger, file untouched)"
              : "NOT refused as it should be: exit " + exit + "; " + tail(said))
          + "; recover-ledger exit " + recovered + "; then only the 4 new items ran (" + newRuns + " runs), start "
          + startMs + " ms" + HangScenario.problems(audit));
    }
  }

  private static int recoverLedger(Suite suite, Rig rig) throws IOException, InterruptedException {
    List<String> cmd = JvmFlags.optionsFile(suite.jars().jvmOptions()).command(List.of("-jar",
        suite.jars().requireSupervisor().toString(), "recover-ledger", "--config", rig.configFile().toString()));
    WorkerProcess.Finished done = WorkerProcess.runToEnd(cmd, Map.of(), Duration.ofSeconds(60));
    Files.writeString(rig.dir().resolve("recover.out"), done.out() + done.err());
    return done.exitCode();
  }

  /** Garbage in status.json while the worker is down: the next worker writes a valid one over it. */
  private Outcome garbageStatusRewritten(Suite suite) throws Exception {
    String fault = "status.json overwritten with garbage while stopped";
    try (Rig rig = new Rig(suite, "damage-status")) {
      Path handler = rig.handler("ok.sh", "exit 0");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 1, handler, "")).write();
      Files.writeString(rig.dataDir().resolve("status.json"), "{\"schema\": 1, \"pid\": 1, \"sequ\u0000");
      long ms = rig.startAndAwaitBeat();
      rig.stop();
      return new Outcome(fault, 1, 0, 0, 0, 0, ms, Outcome.Verdict.PASS,
          "the worker's first beat replaced it (a valid status with its own pid)");
    }
  }

  /** A frozen worker whose status.json keeps being "touched" with garbage: still a stall to the supervisor. */
  private Outcome garbageStatusIsNotABeat(Suite suite) throws Exception {
    String fault = "worker frozen while garbage keeps being written to status.json";
    if (suite.jars().supervisor().isEmpty()) {
      return Outcome.skipped(fault, "supervisor jar not built");
    }
    try (Rig rig = new Rig(suite, "damage-status-beat")) {
      Path handler = rig.handler("ok.sh", "exit 0");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 1, handler, ""))
          .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s, restartBackoff: { initial: 200ms, max: 1s } }")
          .write();
      try (WorkerProcess sup = rig.supervise()) {
        long pid = rig.await(s -> "running".equals(s.state()) && s.sequence() >= 10, Duration.ofSeconds(60)).pid();
        WorkerProcess.signal(pid, "STOP");
        AtomicBoolean scribbling = new AtomicBoolean(true);
        Path status = rig.dataDir().resolve("status.json");
        Thread scribbler = new Thread(() -> {
          while (scribbling.get()) {
            try {
              Files.writeString(status, "garbage " + System.nanoTime());
              Thread.sleep(100);
            } catch (IOException e) {
              // the supervisor's restart may race us; keep going
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "scribble-status");
        long t0 = System.nanoTime();
        scribbler.start();
        long replacedAfter;
        try {
          long deadline = t0 + Duration.ofSeconds(30).toNanos();
          while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          replacedAfter = (System.nanoTime() - t0) / 1_000_000;
        } finally {
          scribbling.set(false);
          scribbler.join();
        }
        boolean gone = !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!gone) {
          WorkerProcess.signal(pid, "CONT");
        }
        rig.status().await(StatusProbe.beatOfAnotherThan(pid), Duration.ofSeconds(30));
        sup.stop(Duration.ofSeconds(30));
        boolean ok = gone && replacedAfter <= 3_000 + 2_000 + 2_000;
        return new Outcome(fault, 1, 0, 0, 0, 0, replacedAfter, Outcome.verdict(ok),
            "fresh mtime every 100 ms, but not a beat: the frozen worker was killed after " + replacedAfter
            + " ms (staleAfter 3 s) and a new one beats");
      }
    }
  }

  private static String tail(String s) {
    return s.length() <= 300 ? s : s.substring(s.length() - 300);
  }
}
