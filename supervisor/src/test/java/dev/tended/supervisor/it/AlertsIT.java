package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's alerts with the real jars: the alert command is a script that appends one line per
 * run (the alert, its state, source and detail from its environment) to a file the test reads.
 */
class AlertsIT {
  @TempDir Path dir;

  private Path sent() {
    return dir.resolve("alerts-sent.txt");
  }

  /** One line per run of the alert command, e.g. {@code item_dead firing broken | 1 item is dead; ...}. */
  private List<String> lines() throws IOException {
    return Files.exists(sent()) ? Files.readAllLines(sent()) : List.of();
  }

  private long count(String prefix) throws IOException {
    return lines().stream().filter(l -> l.startsWith(prefix)).count();
  }

  private TestConfig config(String supervisor, String alertBody, String timeout, boolean broken) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path ok = c.script("ok.sh", "cat > /dev/null; exit 0");
    Path alert = c.script("alert.sh", alertBody);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", ok, "")).heartbeatInterval("300ms").supervisor(supervisor);
    if (broken) {
      Path fails = c.script("fails.sh", "cat > /dev/null; echo 'no such idea' >&2; exit 2");
      c.source(TestConfig.jsonQueue("broken", "broken_log.json", fails, ""));
    }
    c.extra("alerts: { command: " + TestConfig.jsonList(List.of(alert.toString())) + ", repeatEvery: 1h, timeout: "
        + timeout + " }\n");
    Files.createDirectories(c.dataDir());
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 3));
    if (broken) {
      Queues.replaceAtomically(c.dataDir().resolve("broken_log.json"), Queues.ideas("b", 0, 1));
    }
    c.write();
    return c;
  }

  private String recordingAlert() {
    return "printf '%s %s %s | %s\\n' \"$TENDED_ALERT\" \"$TENDED_ALERT_STATE\" \"$TENDED_ALERT_SOURCE\" "
        + "\"$TENDED_ALERT_DETAIL\" >> " + sent();
  }

  @Test
  void oneDeadItemFiresItemDeadExactlyOnceAndNeitherARestartedWorkerNorARestartedSupervisorSendsItAgain() throws Exception {
    TestConfig c = config("{ staleAfter: 5s, startupGrace: 20s, stopGrace: 2s }", recordingAlert(), "10s", true);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      await("item_dead fires").atMost(Duration.ofSeconds(40)).until(() -> count("item_dead firing broken") == 1);
      assertThat(lines()).filteredOn(l -> l.startsWith("item_dead"))
          .singleElement().asString().contains("1 item is dead; the newest: b0 after 3 attempts, exit 2");
      // many evaluations later (one per 300 ms heartbeat interval), still once
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
          .until(() -> count("item_dead") == 1);
      // a new worker (after a crash) sees the same dead item: still the same alert
      long first = sup.awaitBeatingWorker(-1, Duration.ofSeconds(10));
      WorkerProcess.signal(first, "KILL");
      sup.awaitBeatingWorker(first, Duration.ofSeconds(30));
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> count("item_dead") == 1);
      assertThat(sup.process().stop(Duration.ofSeconds(20))).isZero();
    }
    try (Supervisor again = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      again.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> count("item_dead") == 1);
      String log = again.log();
      // the output file is shared by both runs: the second run's lines only
      String second = log.substring(log.lastIndexOf("supervisor_started"));
      assertThat(second).contains("alerts_started command=").contains("firing=1")
          .doesNotContain("alert_firing alert=item_dead");
    }
    assertThat(lines()).noneMatch(l -> l.startsWith("worker_stalled"));
  }

  @Test
  void frozenWorkerFiresWorkerStalledOnceThenResolvedAfterTheNewWorkerBeats() throws Exception {
    TestConfig c = config("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s }", recordingAlert(), "10s", false);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long frozen = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      WorkerProcess.signal(frozen, "STOP");
      await("worker_stalled fires and resolves").atMost(Duration.ofSeconds(30))
          .until(() -> count("worker_stalled resolved") == 1);
      List<String> stalled = lines().stream().filter(l -> l.startsWith("worker_stalled")).toList();
      assertThat(stalled).hasSize(2);
      Path record = sup.stallRecords().get(0);
      assertThat(stalled.get(0)).startsWith("worker_stalled firing  | worker pid " + frozen + " stalled")
          .endsWith("stall record " + record);
      assertThat(stalled.get(1)).startsWith("worker_stalled resolved  | was: worker pid " + frozen);
      long fresh = sup.awaitBeatingWorker(frozen, Duration.ofSeconds(20));
      assertThat(fresh).isNotEqualTo(frozen);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> count("worker_stalled") == 2);
    }
  }

  @Test
  void killedWorkerFiresWorkerRestartedThenResolvedWhenTheNewWorkerBeats() throws Exception {
    TestConfig c = config("{ staleAfter: 5s, startupGrace: 20s, stopGrace: 2s, restartBackoff: { initial: 500ms } }",
        recordingAlert(), "10s", false);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long killed = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      WorkerProcess.signal(killed, "KILL");
      await("worker_restarted fires and resolves").atMost(Duration.ofSeconds(30))
          .until(() -> count("worker_restarted resolved") == 1);
      List<String> restarted = lines().stream().filter(l -> l.startsWith("worker_restarted")).toList();
      assertThat(restarted).hasSize(2);
      assertThat(restarted.get(0)).startsWith("worker_restarted firing  | worker pid " + killed
          + " exited with code 137");
      assertThat(lines()).noneMatch(l -> l.startsWith("worker_stalled") || l.startsWith("worker_crash_looping"));
    }
  }

  @Test
  void damagedLedgerFiresLedgerDamagedOnceWhileTheWorkerRefusesAndItResolvesAfterRecovery() throws Exception {
    TestConfig c = config("{ staleAfter: 5s, startupGrace: 20s, stopGrace: 2s, restartBackoff: { initial: 300ms, "
        + "max: 1s, resetAfter: 2s } }", recordingAlert(), "10s", false);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(c.dataDir().resolve("results/ideas/i2.json")));
      assertThat(sup.process().stop(Duration.ofSeconds(20))).isZero();
    }
    Path ledger = c.dataDir().resolve("ledger.db");
    byte[] garbage = new byte[(int) Files.size(ledger)];
    new java.util.Random(5).nextBytes(garbage);
    Files.write(ledger, garbage);
    Files.deleteIfExists(c.dataDir().resolve("ledger.db-wal"));
    Files.deleteIfExists(c.dataDir().resolve("ledger.db-shm"));

    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      await("ledger_damaged fires").atMost(Duration.ofSeconds(40)).until(() -> count("ledger_damaged firing") == 1);
      assertThat(lines()).filteredOn(l -> l.startsWith("ledger_damaged")).singleElement().asString()
          .contains("refused to start").contains("ledger " + ledger);
      await("the worker keeps refusing: crash looping").atMost(Duration.ofSeconds(40))
          .until(() -> count("worker_crash_looping firing") == 1);
      assertThat(count("ledger_damaged")).as("one alert however often the worker refuses").isEqualTo(1);
      assertThat(sup.process().stop(Duration.ofSeconds(20))).isZero();
    }
    Supervisor.Result recovered = Supervisor.run("recover-ledger", "--config", c.file().toString());
    assertThat(recovered.exitCode()).as(recovered.err()).isZero();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await("ledger_damaged resolves").atMost(Duration.ofSeconds(20)).until(() -> count("ledger_damaged resolved") == 1);
      assertThat(Files.exists(c.dataDir().resolve("ledger-damaged.json"))).isFalse();
    }
  }

  @Test
  void alertCommandThatHangsDelaysNoRestart() throws Exception {
    Path hung = dir.resolve("hung");
    // every run records itself and then hangs far longer than the test
    TestConfig c = config("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s }",
        recordingAlert() + "\ntouch " + hung + "\nexec sleep 1000", "120s", true);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      await("the first alert's command hangs").atMost(Duration.ofSeconds(40)).until(() -> Files.exists(hung));
      long frozen = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      long stoppedAt = System.nanoTime();
      WorkerProcess.signal(frozen, "STOP");
      long fresh = sup.awaitBeatingWorker(frozen, Duration.ofSeconds(3 + 2 + 10));
      long ms = (System.nanoTime() - stoppedAt) / 1_000_000;
      System.out.printf("measured with a hung alert command: SIGSTOP -> new worker's advancing heartbeat %d ms%n", ms);
      assertThat(fresh).isNotEqualTo(frozen);
      // the hung run is still the only one: the stall waits behind it, in order
      assertThat(lines()).hasSize(1);
      awaitLogged(() -> assertThat(sup.log()).contains("worker_restarted reason=stale pid=" + frozen));
    }
  }
}
