package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import dev.tended.testkit.faults.WedgeablePolls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real supervisor running the real worker jar (workerCommand: [] finds it beside the supervisor's jar). */
class SuperviseIT {
  @TempDir Path dir;

  private TestConfig config(String supervisor) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "cat > /dev/null; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).heartbeatInterval("300ms")
        .supervisor(supervisor);
    Files.createDirectories(c.dataDir());
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 3));
    c.write();
    return c;
  }

  @Test
  void frozenWorkerIsReplacedWithinStaleAfterPlusStopGraceAndWorkFlowsAgain() throws Exception {
    TestConfig c = config("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s, restartBackoff: { initial: 500ms } }");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long frozen = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      long stoppedAt = System.nanoTime();
      WorkerProcess.signal(frozen, "STOP");

      // "replaced": the supervisor runs a new worker; bound staleAfter + stopGrace + 2 s
      await().atMost(Duration.ofSeconds(3 + 2 + 2)).pollInterval(Duration.ofMillis(50))
          .until(() -> sup.workerPidFromState() > 0 && sup.workerPidFromState() != frozen);
      long replacedMs = (System.nanoTime() - stoppedAt) / 1_000_000;
      long fresh = sup.awaitBeatingWorker(frozen, Duration.ofSeconds(20));
      long beatMs = (System.nanoTime() - stoppedAt) / 1_000_000;
      System.out.printf("measured SIGSTOP -> new worker started %d ms, -> new worker's advancing heartbeat %d ms%n",
          replacedMs, beatMs);

      assertThat(fresh).isNotEqualTo(frozen);
      assertThat(ProcessHandle.of(frozen).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      List<Path> records = sup.stallRecords();
      assertThat(records).hasSize(1);
      String record = Files.readString(records.get(0));
      assertThat(record).contains("worker_pid: " + frozen).contains("T (stopped by a signal")
          .contains("--- last status file").contains("--- time line");
      awaitLogged(() ->
          assertThat(sup.log()).containsPattern("worker_restarted reason=stale pid=" + frozen
              + " exit_code=- stale_for_ms=(3\\d{3}|4\\d{3}) new_pid=\\d+ "));

      // work flows again: an item added after the replacement is handled by the new worker
      Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 4));
      Path result = c.dataDir().resolve("results/ideas/i3.json");
      await("i3, added after the replacement, succeeds").atMost(Duration.ofSeconds(20))
          .until(() -> Files.exists(result) && Files.readString(result).contains("\"status\" : \"succeeded\""));
    }
  }

  @Test
  void wedgedPollerLeavesAStallRecordWithAThreadDumpNamingIt() throws Exception {
    TestConfig c = config("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s, workerCommand: "
        + TestConfig.jsonList(WorkerProcess.faultableWorkerCommand(WorkerProcess.workerJar(), new TestConfig(dir).file()))
        + " }");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long wedged = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      Path wedge = WedgeablePolls.wedgeFile(c.dataDir(), "ideas");
      Files.createDirectories(wedge.getParent());
      Files.writeString(wedge, "wedge");
      await().atMost(Duration.ofSeconds(20)).until(() -> !sup.stallRecords().isEmpty());
      Files.delete(wedge);
      String record = Files.readString(sup.stallRecords().get(0));
      assertThat(record).contains("worker_pid: " + wedged).contains("Full thread dump");
      // the wedge itself, in the wedged thread's own stack: not merely a thread of that name
      int at = record.indexOf("\n\"poll-ideas\"");
      assertThat(at).as("a poll-ideas thread in the dump").isNotNegative();
      int end = record.indexOf("\n\n", at + 1);
      String pollStack = record.substring(at, end < 0 ? record.length() : end);
      assertThat(pollStack).contains("at dev.tended.testkit.faults.WedgeablePolls$1.poll(");
      long fresh = sup.awaitBeatingWorker(wedged, Duration.ofSeconds(30));
      assertThat(fresh).isNotEqualTo(wedged);
    }
  }

  @Test
  void killedWorkerIsReplacedWithinTheBackoffNotAfterStaleAfter() throws Exception {
    TestConfig c = config("{ staleAfter: 60s, startupGrace: 60s, stopGrace: 2s, restartBackoff: { initial: 1s } }");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long killed = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      long t0 = System.nanoTime();
      WorkerProcess.signal(killed, "KILL");
      await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
          .until(() -> sup.workerPidFromState() > 0 && sup.workerPidFromState() != killed);
      long startedMs = (System.nanoTime() - t0) / 1_000_000;
      sup.awaitBeatingWorker(killed, Duration.ofSeconds(20));
      System.out.printf("measured kill -9 -> new worker started %d ms%n", startedMs);
      assertThat(startedMs).isGreaterThanOrEqualTo(1000).isLessThan(3000);
      awaitLogged(() ->
          assertThat(sup.log()).containsPattern("worker_restarted reason=exit pid=" + killed
              + " exit_code=137 stale_for_ms=- new_pid=\\d+ "));
      assertThat(sup.stallRecords()).isEmpty();
    }
  }

  @Test
  void sigtermToTheSupervisorStopsTheWorkerAndLeavesNoProcess() throws Exception {
    TestConfig c = config("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 4s }");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long worker = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      List<ProcessHandle> tree = sup.process().process().descendants().toList();
      assertThat(tree).extracting(ProcessHandle::pid).contains(worker);
      sup.process().signal("TERM");
      int code = sup.process().awaitExit(Duration.ofSeconds(4 + 5));
      assertThat(code).isZero();
      assertThat(tree).noneMatch(ProcessHandle::isAlive);
      assertThat(sup.status().orElseThrow().state()).isEqualTo("stopped");
      assertThat(sup.log()).contains("supervisor_stopped").contains("worker_process_stopped pid=" + worker);
    }
  }

  @Test
  void stoppingTheSupervisorLetsTheWorkerHandBackARunningItemWithoutCountingAnAttempt() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("slow.sh", "cat > /dev/null; echo started >> slow.log; sleep 30");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).heartbeatInterval("300ms")
        .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 4s }");
    Files.createDirectories(c.dataDir());
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("slow", 0, 1));
    c.write();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(c.dataDir().resolve("slow.log")));
      sup.process().signal("TERM");
      assertThat(sup.process().awaitExit(Duration.ofSeconds(4 + 5))).isZero();
    }
    try (dev.tended.ledger.LedgerView ledger = dev.tended.ledger.SqliteLedgerStore.at(c.dataDir().resolve("ledger.db"))
        .openView()) {
      var item = ledger.versions("ideas", "slow0").get(0);
      assertThat(item.state()).as("handed back, not failed").isEqualTo(dev.tended.ledger.ItemState.PENDING);
      assertThat(item.attempts()).as("a stop does not count as an attempt").isZero();
    }
  }

  @Test
  void workerLeftByAKilledSupervisorIsStoppedBeforeANewOneStarts() throws Exception {
    TestConfig c = config("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s }");
    long leftover;
    try (Supervisor first = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      leftover = first.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      first.process().signal("KILL");
      first.process().awaitExit(Duration.ofSeconds(5));
    }
    // closing the first run killed its descendants; start a worker of our own to play the leftover
    try (WorkerProcess orphan = WorkerProcess.startWorker(c.file(), dir.resolve("orphan.out"))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> new dev.tended.testkit.StatusProbe(
          c.dataDir().resolve("status.json")).read().map(s -> s.pid() == orphan.pid()).orElse(false));
      try (Supervisor second = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
        long fresh = second.awaitBeatingWorker(orphan.pid(), Duration.ofSeconds(30));
        assertThat(fresh).isNotEqualTo(orphan.pid()).isNotEqualTo(leftover);
        await().atMost(Duration.ofSeconds(5)).until(() -> !orphan.isAlive());
        awaitLogged(() -> assertThat(second.log()).contains("leftover_worker_found pid=" + orphan.pid()));
      }
    }
  }

  @Test
  void workerStartedByAWrapperWithoutExecIsKeptWhileItBeatsAndReplacedWhenFrozen() throws Exception {
    // no exec: the shell stays the supervisor's child and the JVM that beats is its child
    String wrapper = "[\"sh\", \"-c\", \"'" + WorkerProcess.java() + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar '"
        + WorkerProcess.workerJar() + "' --config '" + dir.resolve("tended.yaml") + "'; exit $?\"]";
    TestConfig c = config("{ staleAfter: 3s, startupGrace: 6s, stopGrace: 2s, restartBackoff: { initial: 500ms },"
        + " workerCommand: " + wrapper + " }");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long jvm = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      long shell = sup.workerPidFromState();
      assertThat(shell).isNotEqualTo(jvm);
      assertThat(ProcessHandle.of(jvm).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).contains(shell);

      // beating well past startupGrace (6 s) since the spawn: 30 beats of 300 ms after the first two
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> sup.status().map(s -> s.pid() == jvm && s.sequence() >= 30).orElse(false));
      assertThat(sup.log()).doesNotContain("worker_stalled").doesNotContain("worker_restarted");
      assertThat(sup.workerPidFromState()).isEqualTo(shell);

      WorkerProcess.signal(jvm, "STOP");
      await().atMost(Duration.ofSeconds(3 + 2 + 2)).pollInterval(Duration.ofMillis(50))
          .until(() -> sup.workerPidFromState() > 0 && sup.workerPidFromState() != shell);
      long fresh = sup.awaitBeatingWorker(jvm, Duration.ofSeconds(20));
      assertThat(fresh).isNotEqualTo(jvm);
      // Killed, the frozen JVM may stay a zombie of the supervisor (its subreaper) until it is reaped.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> ProcessHandle.of(jvm).filter(ProcessHandle::isAlive).isEmpty()
              && ProcessHandle.of(shell).filter(ProcessHandle::isAlive).isEmpty());
      awaitLogged(() ->
          assertThat(sup.log()).containsPattern("worker_restarted reason=stale pid=" + shell
              + " exit_code=- stale_for_ms=(3\\d{3}|4\\d{3}) new_pid=\\d+ "));
      assertThat(Files.readString(sup.stallRecords().get(0))).contains("worker_pid: " + jvm);
    }
  }

  @Test
  void handlerLeftRunningByAKilledWorkerIsSparedAdoptedByTheNextWorkerAndItsOutcomeRecordedOnce() throws Exception {
    TestConfig c = new TestConfig(dir);
    // the handler starts a long sleep of its own, publishes its pid and waits for it
    Path handler = c.script("hang.sh", "cat > /dev/null\n"
        + "echo run >> runs.txt\n"
        + "sleep 300 & echo $! > sleeper.tmp; mv sleeper.tmp sleeper.pid; wait\n"
        + "exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).heartbeatInterval("300ms")
        .supervisor("{ staleAfter: 60s, startupGrace: 60s, stopGrace: 2s, restartBackoff: { initial: 500ms } }");
    Files.createDirectories(c.dataDir());
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 1));
    c.write();
    Path pidFile = c.dataDir().resolve("sleeper.pid");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long killed = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pidFile));
      long sleeper = Long.parseLong(Files.readString(pidFile).strip());
      ProcessHandle sleep = ProcessHandle.of(sleeper).orElseThrow();

      WorkerProcess.signal(killed, "KILL");
      long fresh = sup.awaitBeatingWorker(killed, Duration.ofSeconds(30));
      assertThat(fresh).isNotEqualTo(killed);
      assertThat(sleep.isAlive()).as("a descendant of the recorded handler").isTrue();
      awaitLogged(() -> assertThat(sup.log()).containsPattern("handlers_spared count=\\d+ pids=\\S*" + sleeper));

      sleep.destroy();
      Path result = c.dataDir().resolve("results/ideas/i0.json");
      await("i0's adopted handler ends and its outcome is recorded").atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(result) && Files.readString(result).contains("\"status\" : \"succeeded\""));
      assertThat(Files.readAllLines(c.dataDir().resolve("runs.txt"))).containsExactly("run");
      assertThat(Files.readString(result)).contains("\"attempts\" : 1");
    }
  }

  @Test
  void watchOkIsLoggedAtAShortWatchOkEveryBecauseTheLoopChecksAtLeastOnceASecond() throws Exception {
    TestConfig c = config("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s, watchOkEvery: 1s }");
    java.util.regex.Pattern line = java.util.regex.Pattern.compile(
        "(?m)^(\\S+Z) INFO  \\[supervisor:watch\\] watch_ok mode=child pid=\\d+ state=(\\w+) ");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await("eight watch_ok lines").atMost(Duration.ofSeconds(30))
          .until(() -> line.matcher(sup.log()).results().count() >= 8);
      List<java.time.Instant> at = line.matcher(sup.log()).results()
          .map(m -> java.time.Instant.parse(m.group(1))).toList();
      List<Long> gaps = new java.util.ArrayList<>();
      for (int i = 1; i < at.size(); i++) {
        long gapMs = Duration.between(at.get(i - 1), at.get(i)).toMillis();
        assertThat(gapMs).as("gap before watch_ok #%d: never before it is due", i).isGreaterThanOrEqualTo(1000L);
        gaps.add(gapMs);
      }
      // Due every 1 s, noticed at the next check: a loop checking less than once a second shows gaps of
      // 2 s, so the median gap says it; one late gap on a busy machine (a descheduled thread) does not.
      java.util.Collections.sort(gaps);
      assertThat(gaps.get(gaps.size() / 2)).as("median gap of %s", gaps).isLessThan(1500L);
      assertThat(line.matcher(sup.log()).results().reduce((a, b) -> b).orElseThrow().group(2)).isEqualTo("healthy");
    }
  }
}
