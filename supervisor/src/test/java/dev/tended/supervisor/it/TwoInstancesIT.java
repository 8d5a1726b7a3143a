package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Queues;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one host, each with its data folder and config: a supervisor stops as a leftover
 * only the worker that holds its own folder's lock, never the other instance's.
 */
class TwoInstancesIT {
  @TempDir Path dir;

  private TestConfig instance(String name, String handlerBody, int items) throws Exception {
    TestConfig c = new TestConfig(dir.resolve(name));
    Files.createDirectories(c.dataDir());
    Path handler = c.script("h.sh", "cat > /dev/null; " + handlerBody);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).heartbeatInterval("300ms")
        .supervisor("{ staleAfter: 5s, startupGrace: 30s, stopGrace: 2s }");
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas(name, 0, items));
    c.write();
    return c;
  }

  private static long succeeded(TestConfig c) {
    try (LedgerView v = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openView()) {
      return v.counts("ideas").getOrDefault(ItemState.SUCCEEDED, 0L);
    } catch (RuntimeException notYet) {
      return 0;
    }
  }

  @Test
  void anotherInstancesWorkerNamedByAStaleStatusFileIsLeftAloneAndFinishesItsItems() throws Exception {
    TestConfig a = instance("a", "exit 0", 2);
    TestConfig b = instance("b", "sleep 1; exit 0", 6);
    try (WorkerProcess bWorker = WorkerProcess.startWorker(b.file(), dir.resolve("b-worker.out"))) {
      StatusProbe bStatus = new StatusProbe(b.statusFile());
      WorkerStatus bBeat = bStatus.await(s -> s.pid() == bWorker.pid(), Duration.ofSeconds(30)).status();
      // A's worker was killed -9 and left status.json saying "running"; its pid now belongs to B's worker.
      Files.write(a.statusFile(), StatusFiles.mapper().writeValueAsBytes(bBeat));

      try (Supervisor aSup = Supervisor.start(a.file(), a.dataDir(), Map.of())) {
        long aWorker = aSup.awaitBeatingWorker(bWorker.pid(), Duration.ofSeconds(40));
        assertThat(aWorker).isNotEqualTo(bWorker.pid());
        await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(a) == 2);

        assertThat(bWorker.isAlive()).as("B's worker is untouched").isTrue();
        long seq = bStatus.sequence();
        bStatus.await(s -> s.pid() == bWorker.pid() && s.sequence() > seq, Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(b) == 6);
        assertThat(bWorker.isAlive()).isTrue();
        awaitLogged(() ->
            assertThat(aSup.log()).contains("leftover_worker_left_alone pid=" + bWorker.pid())
                .doesNotContain("leftover_worker_found"));
      }
    }
  }

  @Test
  void ownLeftoverIsStoppedWhileTheOtherInstancesWorkerRunsOn() throws Exception {
    TestConfig a = instance("a", "exit 0", 2);
    TestConfig b = instance("b", "sleep 1; exit 0", 4);
    try (WorkerProcess bWorker = WorkerProcess.startWorker(b.file(), dir.resolve("b-worker.out"));
        WorkerProcess aLeftover = WorkerProcess.startWorker(a.file(), dir.resolve("a-leftover.out"))) {
      StatusProbe bStatus = new StatusProbe(b.statusFile());
      bStatus.await(s -> s.pid() == bWorker.pid(), Duration.ofSeconds(30));
      new StatusProbe(a.statusFile()).await(s -> s.pid() == aLeftover.pid(), Duration.ofSeconds(30));

      try (Supervisor aSup = Supervisor.start(a.file(), a.dataDir(), Map.of())) {
        long fresh = aSup.awaitBeatingWorker(aLeftover.pid(), Duration.ofSeconds(40));
        assertThat(fresh).isNotEqualTo(aLeftover.pid()).isNotEqualTo(bWorker.pid());
        await().atMost(Duration.ofSeconds(10)).until(() -> !aLeftover.isAlive());
        awaitLogged(() ->
            assertThat(aSup.log()).contains("leftover_worker_found pid=" + aLeftover.pid() + " proof=holds_lock"));
        assertThat(bWorker.isAlive()).as("B's worker is untouched").isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(b) == 4);
      }
    }
  }
}
