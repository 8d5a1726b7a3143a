package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import dev.tended.testkit.faults.ResultWriteFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** health-diagnose, status and retry against a real supervisor and worker. */
class HealthDiagnoseIT {
  @TempDir Path dir;

  @Test
  void unreadableConfigurationIsUnknown() throws Exception {
    Supervisor.Result r = Supervisor.run("health-diagnose", "--config", dir.resolve("missing.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out()).contains("✗ config:").contains("verdict: UNKNOWN (exit 3): config");
    JsonNode j = Supervisor.run("health-diagnose", "--json", "--config", dir.resolve("missing.yaml").toString()).json();
    assertThat(j.path("verdict").asText()).isEqualTo("unknown");
    assertThat(j.path("exitCode").asInt()).isEqualTo(3);
  }

  @Test
  void aBadLineTheWorkerReportedDegradesQueueFilesNamingItsLineWhileTheLinesAfterItAreTaken() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handle.sh", "cat > /dev/null; exit 0");
    c.source(TestConfig.jsonQueue("qa", "QAissue.json", handler, "")).write();
    Path queue = c.dataDir().resolve("QAissue.json");
    Files.createDirectories(queue.getParent());
    Files.writeString(queue, "{\"id\": \"q0\"}\nnot json at all\n{\"id\": \"q1\"}\n");
    String cfg = c.file().toString();
    try (WorkerProcess worker = WorkerProcess.startWorker(c.file(), dir.resolve("worker.out"))) {
      await().atMost(Duration.ofSeconds(30)).until(() ->
          Supervisor.run("health-diagnose", "--config", cfg).out().contains("✗ queue_files"));
      Supervisor.Result r = Supervisor.run("health-diagnose", "--config", cfg);
      assertThat(r.out()).contains("QAissue.json: line 2: bad line, skipped").contains("1 bad lines skipped (first: line 2)");
    }
  }

  @Test
  void healthyThenDegradedByACorruptQueueAndDeadItemThenUnhealthyOnceStopped() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handle.sh", "cat > /dev/null; [ \"$TENDED_ITEM_ID\" = bad ] && exit 65; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 3s }").write();
    Path queue = c.dataDir().resolve("ideas_log.json");
    Queues.replaceAtomically(queue, Queues.ideas("i", 0, 2));
    String cfg = c.file().toString();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));

      // 0: all well
      await().atMost(Duration.ofSeconds(20)).until(() -> Supervisor.run("health-diagnose", "--config", cfg).exitCode() == 0);
      Supervisor.Result healthy = Supervisor.run("health-diagnose", "--config", cfg);
      System.out.println("health-diagnose, healthy:\n" + healthy.out());
      assertThat(healthy.out()).contains("✓ status_file").contains("✓ worker_process").contains("✓ ledger")
          .contains("verdict: OK (exit 0)");
      JsonNode ok = Supervisor.run("health-diagnose", "--json", "--config", cfg).json();
      assertThat(ok.path("verdict").asText()).isEqualTo("healthy");
      assertThat(ok.path("checks").size()).isGreaterThanOrEqualTo(10);

      // 1: a corrupt queue file (named with line and column) and a dead item
      Queues.replaceAtomically(queue, "[\n  {\"id\": \"i0\", \"title\": \"idea 0\"},\n  {\"id\": \"bad\", \"title\": \"x\"},\n  {\"id\": ");
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        String out = Supervisor.run("health-diagnose", "--config", cfg).out();
        return out.contains("✗ queue_files") && out.contains("✗ dead_items");
      });
      Supervisor.Result degraded = Supervisor.run("health-diagnose", "--config", cfg);
      System.out.println("health-diagnose, degraded:\n" + degraded.out());
      assertThat(degraded.exitCode()).isEqualTo(1);
      assertThat(degraded.out()).containsPattern("✗ queue_files: ideas: .*ideas_log.json: line \\d+, column \\d+")
          .contains("✗ dead_items: 1 dead: ideas 1");
      JsonNode dj = Supervisor.run("health-diagnose", "--json", "--config", cfg).json();
      assertThat(dj.path("verdict").asText()).isEqualTo("degraded");
      assertThat(dj.path("failing").toString()).contains("queue_files").contains("dead_items");

      Supervisor.Result status = Supervisor.run("status", "--config", cfg);
      System.out.println("status:\n" + status.out());
      assertThat(status.exitCode()).isZero();
      assertThat(status.out()).contains("ideas").contains("bad").contains("dead");

      Supervisor.Result retry = Supervisor.run("retry", "--config", cfg, "ideas", "bad");
      assertThat(retry.exitCode()).as(retry.err()).isZero();
      assertThat(retry.out()).contains("pending again");
      assertThat(Supervisor.run("retry", "--config", cfg, "ideas", "i0").exitCode()).isEqualTo(1);

      // 2: the worker is stopped
      sup.process().signal("TERM");
      assertThat(sup.process().awaitExit(Duration.ofSeconds(15))).isZero();
      Supervisor.Result down = Supervisor.run("health-diagnose", "--config", cfg);
      System.out.println("health-diagnose, stopped:\n" + down.out());
      assertThat(down.exitCode()).isEqualTo(2);
      assertThat(down.out()).contains("✗ status_file: worker stopped").contains("✗ worker_process")
          .contains("✗ supervisor: not running");
    }
  }

  private TestConfig okConfig() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "cat > /dev/null; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 3s, restartBackoff: { initial: 500ms } }").write();
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 2));
    return c;
  }

  @Test
  void missingDataFolderIsUnknown() throws Exception {
    TestConfig c = okConfig();
    try (var files = Files.walk(c.dataDir())) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    Supervisor.Result r = Supervisor.run("health-diagnose", "--config", c.file().toString());
    assertThat(r.exitCode()).as(r.out()).isEqualTo(3);
    assertThat(r.out()).contains("✗ data_dir: " + c.dataDir() + " does not exist").contains("verdict: UNKNOWN (exit 3)");
  }

  @Test
  void corruptQueueFileIsNamedWithLineAndColumnWhileNoWorkerRuns() throws Exception {
    TestConfig c = okConfig();
    Path queue = c.dataDir().resolve("ideas_log.json");
    Queues.replaceAtomically(queue, "[\n  {\"id\": \"i0\"},\n  {\"id\": ");
    Supervisor.Result r = Supervisor.run("health-diagnose", "--config", c.file().toString());
    System.out.println("health-diagnose, corrupt queue, no worker:\n" + r.out());
    // no worker at all is unhealthy (2), which dominates; the queue file is still named, line and column
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).contains("✗ queue_files: ideas: " + queue
        + ": line 3, column 10: unexpected end of input (1 complete items before it)");
    assertThat(Supervisor.run("health-diagnose", "--json", "--config", c.file().toString()).json()
        .path("failing").toString()).contains("queue_files");
  }

  @Test
  void staleHeartbeatOfAFrozenWorkerIsUnhealthy() throws Exception {
    TestConfig c = okConfig();
    String cfg = c.file().toString();
    try (WorkerProcess worker = WorkerProcess.startWorker(c.file(), dir.resolve("worker.out"))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Supervisor.run("health-diagnose", "--config", cfg)
          .out().contains("✓ status_file"));
      worker.signal("STOP");
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> Supervisor.run("health-diagnose", "--config", cfg)
            .out().contains("✗ status_file: stale"));
        Supervisor.Result r = Supervisor.run("health-diagnose", "--config", cfg);
        System.out.println("health-diagnose, frozen worker:\n" + r.out());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("✗ status_file: stale: updated").contains("staleAfter 3.0s")
            .containsPattern("✗ worker_process: pid " + worker.pid() + " alive, state T \\(stopped")
            .contains("verdict: UNHEALTHY (exit 2)");
      } finally {
        worker.signal("CONT");
      }
    }
  }

  @Test
  void restartInTheLastHourIsDegradedOnceTheNewWorkerIsHealthy() throws Exception {
    TestConfig c = okConfig();
    String cfg = c.file().toString();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long killed = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      WorkerProcess.signal(killed, "KILL");
      sup.awaitBeatingWorker(killed, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(20)).until(() -> Supervisor.run("health-diagnose", "--config", cfg)
          .out().contains("✓ sources_polled"));
      Supervisor.Result r = Supervisor.run("health-diagnose", "--config", cfg);
      System.out.println("health-diagnose, after a restart:\n" + r.out());
      assertThat(r.exitCode()).as(r.out()).isEqualTo(1);
      assertThat(r.out()).contains("✗ restarts: 1 in the last hour (last: exit of pid " + killed)
          .contains("exit code 137").contains("✓ status_file").contains("✓ worker_process")
          .contains("verdict: DEGRADED (exit 1)");
    }
  }

  private static ItemRecord latest(Path dataDir, String source, String id) {
    try (LedgerView ledger = SqliteLedgerStore.at(dataDir.resolve("ledger.db")).openView()) {
      java.util.List<ItemRecord> v = ledger.versions(source, id);
      return v.get(v.size() - 1);
    }
  }

  @Test
  void aWorkerThatCannotRecordOutcomesIsUnhealthyAndIsReplacedWithoutCostingTheItemAnAttempt() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handle.sh", "cat > /dev/null; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).heartbeatInterval("300ms")
        .supervisor("{ staleAfter: 4s, startupGrace: 20s, stopGrace: 3s, restartBackoff: { initial: 500ms }, workerCommand: "
            + TestConfig.jsonList(WorkerProcess.faultableWorkerCommand(WorkerProcess.workerJar(), c.file())) + " }")
        .write();
    Path failing = ResultWriteFaults.failFile(c.dataDir());
    Files.createDirectories(failing.getParent());
    Files.writeString(failing, "");
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 5));
    String cfg = c.file().toString();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long first = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));

      // Handlers finish, nothing they did can be written: unhealthy, with a named check, not OK.
      await().atMost(Duration.ofSeconds(30)).until(() -> Supervisor.run("health-diagnose", "--config", cfg).exitCode() == 2);
      Supervisor.Result unhealthy = Supervisor.run("health-diagnose", "--config", cfg);
      System.out.println("health-diagnose, outcomes not recorded:\n" + unhealthy.out());
      assertThat(unhealthy.out()).contains("✗ outcomes_recorded: ideas: failing for").contains("cannot record the outcome of i0")
          .contains("simulated failure");
      JsonNode j = Supervisor.run("health-diagnose", "--json", "--config", cfg).json();
      assertThat(j.path("exitCode").asInt()).isEqualTo(2);

      // The worker withholds its heartbeat past the wedge limit: the supervisor sees a stall and replaces it.
      await().atMost(Duration.ofSeconds(30)).until(() -> !sup.stallRecords().isEmpty());
      assertThat(Files.readString(sup.stallRecords().get(0))).contains("worker_pid: " + first);
      Files.delete(failing);
      sup.awaitBeatingWorker(first, Duration.ofSeconds(30));

      await().atMost(Duration.ofSeconds(60)).until(() -> latest(c.dataDir(), "ideas", "i4").state() == ItemState.SUCCEEDED);
      ItemRecord stuck = latest(c.dataDir(), "ideas", "i0");
      assertThat(stuck.state()).isEqualTo(ItemState.SUCCEEDED);
      assertThat(stuck.attempts()).as("the restart cost i0 no attempt").isEqualTo(1);
      await().atMost(Duration.ofSeconds(20)).until(() -> Supervisor.run("health-diagnose", "--config", cfg).out()
          .contains("✓ outcomes_recorded"));
    }
  }
}
