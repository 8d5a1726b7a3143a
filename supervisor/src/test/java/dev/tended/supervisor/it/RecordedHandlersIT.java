package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.posix.ProcFs;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor never kills a recorded handler: when it kills a stalled worker, and when it stops
 * what a crashed worker left before starting the next, it spares every process carrying the attempt
 * token of an item the ledger has running (and its descendants), and stops the rest. A {@code /bin/sh}
 * stand-in worker starts, once, three {@code setsid} sleepers in sessions of their own as handlers do:
 * one with a running item's token, one with a token no running item has, one unmarked.
 */
class RecordedHandlersIT {
  @TempDir Path dir;
  private List<Long> sleepers = List.of();

  private TestConfig config() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    Path worker = c.script("stand-in-worker.sh", """
        # tended-worker stand-in: starts the sleepers once, then beats every 100 ms
        if [ ! -s "$PIDS" ]; then
          TENDED_ATTEMPT_TOKEN="$TOKEN" setsid sleep 300 & r=$!
          TENDED_ATTEMPT_TOKEN=not-a-running-item setsid sleep 300 & s=$!
          setsid sleep 300 & u=$!
          echo "$r $s $u" > "$PIDS.tmp" && mv "$PIDS.tmp" "$PIDS"
        fi
        started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
        seq=0
        while true; do
          seq=$((seq+1)); now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
          printf '{"schema":1,"pid":%d,"state":"running","version":"s","startedAt":"%s","updatedAt":"%s","sequence":%d,"sources":{}}' \\
            $$ "$started" "$now" $seq > "$STATUS.tmp" && mv "$STATUS.tmp" "$STATUS"
          sleep 0.1
        done""");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 2s, startupGrace: 10s, stopGrace: 2s, restartBackoff: { initial: 500ms }, "
            + "workerCommand: [\"/bin/sh\", \"" + worker + "\"] }")
        .write();
    return c;
  }

  /** A running item in the ledger, claimed as a worker claims it; its attempt token. */
  private static String runningItemToken(TestConfig c) {
    try (ItemLedger ledger = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("ideas", List.of(new NewItem("i1", "h1", "{\"id\":\"i1\"}")));
      ItemRecord claimed = ledger.claimDue("ideas", 1).get(0);
      assertThat(claimed.attemptToken()).isNotBlank();
      return claimed.attemptToken();
    }
  }

  private Supervisor start(TestConfig c) throws Exception {
    Files.createDirectories(c.dataDir());
    String token = runningItemToken(c);
    Path pids = dir.resolve("sleepers.txt");
    Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of("STATUS", c.dataDir().resolve("status.json").toString(),
        "PIDS", pids.toString(), "TOKEN", token));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pids));
    sleepers = java.util.Arrays.stream(Files.readString(pids).trim().split(" ")).map(Long::valueOf).toList();
    return sup;
  }

  private static boolean running(long pid) {
    return ProcFs.stat(pid).map(s -> s.running()).orElse(false);
  }

  @Test
  void aStalledWorkerIsKilledButTheRecordedHandlerItStartedRunsOnAndTheRestIsStopped() throws Exception {
    TestConfig c = config();
    try (Supervisor sup = start(c)) {
      long frozen = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      WorkerProcess.signal(frozen, "STOP");
      long fresh = sup.awaitBeatingWorker(frozen, Duration.ofSeconds(30));

      assertThat(fresh).isNotEqualTo(frozen);
      await().atMost(Duration.ofSeconds(10)).until(() -> !running(sleepers.get(1)) && !running(sleepers.get(2)));
      assertThat(running(sleepers.get(0))).as("the recorded handler").isTrue();
      awaitLogged(() -> assertThat(sup.log()).contains("handlers_spared count=1 pids=" + sleepers.get(0)));
    }
  }

  @Test
  void whatACrashedWorkerLeftIsStoppedBeforeTheNextStartsButForTheRecordedHandlerWhichIsReapedWhenItEnds()
      throws Exception {
    TestConfig c = config();
    try (Supervisor sup = start(c)) {
      long killed = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      WorkerProcess.signal(killed, "KILL");
      sup.awaitBeatingWorker(killed, Duration.ofSeconds(30));

      await().atMost(Duration.ofSeconds(10)).until(() -> !running(sleepers.get(1)) && !running(sleepers.get(2)));
      assertThat(running(sleepers.get(0))).as("the recorded handler").isTrue();
      assertThat(ProcessHandle.of(sleepers.get(0)).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
          .as("re-parented to the supervisor, a subreaper").contains(sup.process().process().pid());

      // when it ends, the supervisor collects it: no zombie stays behind
      WorkerProcess.signal(sleepers.get(0), "TERM");
      await().atMost(Duration.ofSeconds(10)).until(() -> ProcFs.stat(sleepers.get(0)).isEmpty());
    }
  }

  @AfterEach
  void killSleepers() {
    sleepers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }
}
