package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import dev.tended.testkit.faults.WedgeablePolls;
import dev.tended.status.SourceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopIT {
  @TempDir Path dir;

  @Test
  void sigtermWhileAHandlerRunsExitsZeroHandsTheItemBackAndWritesStopped() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path started = dir.resolve("started");
      Path handler = f.recordingHandler("forever.sh", "echo $$ > '" + started + "'\nsleep 300");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("s", 0, 1));
      WorkerProcess worker = f.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started) && Files.size(started) > 0);
      long handlerPid = Long.parseLong(Files.readString(started).trim());

      long t0 = System.nanoTime();
      worker.signal("TERM");
      assertThat(worker.awaitExit(Duration.ofSeconds(15))).isZero();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(took).isLessThan(Duration.ofSeconds(4 + 2));

      assertThat(f.status.read().orElseThrow().state()).isEqualTo("stopped");
      ItemRecord item = f.withLedger(l -> l.versions("ideas", "s0")).get(0);
      assertThat(item.state()).isEqualTo(ItemState.PENDING);
      assertThat(item.attempts()).isZero();
      assertThat(ProcessHandle.of(handlerPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(f.workerLog()).contains("item_handed_back source=ideas id=s0").contains("worker_stopped");
    }
  }

  @Test
  void aStopWhileAPollIsRunningClosesTheLedgerOnlyAfterThePollHasRecordedWhatItRead() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      // A stale limit far off: the wedged poll must not stop the beats before the test has seen it.
      f.config.supervisor("{ staleAfter: 60s, startupGrace: 20s, stopGrace: 4s }")
          .source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Path queue = f.config.dataDir().resolve("ideas_log.json");
      Queues.replaceAtomically(queue, Queues.ideas("s", 0, 1));
      WorkerProcess worker = f.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> f.resultCount("ideas") == 1);

      Path wedge = WedgeablePolls.wedgeFile(f.config.dataDir(), "ideas");
      Files.createDirectories(wedge.getParent());
      Files.createFile(wedge);
      Queues.replaceAtomically(queue, Queues.ideas("s", 0, 4)); // three new items, read by the wedged poll
      // Wedged: a beat well after the last poll ended (pollInterval is 200 ms).
      await().atMost(Duration.ofSeconds(20)).until(() -> f.status.read().filter(s -> {
        SourceStatus ideas = s.sources().get("ideas");
        return ideas.lastPollAt() != null && s.updatedAt().isAfter(ideas.lastPollAt().plusSeconds(1));
      }).isPresent());

      long t0 = System.nanoTime();
      worker.signal("TERM");
      await().atMost(Duration.ofSeconds(4)).until(() -> worker.output().contains("polls_awaited running=1"));
      Files.delete(wedge);
      assertThat(worker.awaitExit(Duration.ofSeconds(10))).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));

      List<ItemRecord> s3 = f.withLedger(l -> l.versions("ideas", "s3"));
      assertThat(s3).as("read by the poll the stop waited for").hasSize(1);
      assertThat(f.status.read().orElseThrow().state()).isEqualTo("stopped");
      assertThat(f.workerLog()).doesNotContain("poll_failed").doesNotContain("stop_part_overran")
          .doesNotContain("polls_stop_timeout").contains("worker_stopped");
    }
  }

  @Test
  void aStopWithAHandlerThatIgnoresTermStillEndsWithinStopGrace() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path started = dir.resolve("started");
      Path handler = f.recordingHandler("stubborn.sh", "trap '' TERM\necho $$ > '" + started + "'\n"
          + "while true; do sleep 0.1; done");
      // The handler's killGrace is 1 s: the stop must hold the wait for it to finish, the TERM, that
      // grace, the KILL and the hand-back, all within stopGrace.
      f.config.supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 6s }")
          .source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("s", 0, 1));
      WorkerProcess worker = f.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started) && Files.size(started) > 0);

      long t0 = System.nanoTime();
      worker.signal("TERM");
      assertThat(worker.awaitExit(Duration.ofSeconds(15))).isZero();
      // after stopGrace the supervisor would have sent SIGKILL
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
      assertThat(f.status.read().orElseThrow().state()).isEqualTo("stopped");
      assertThat(f.withLedger(l -> l.versions("ideas", "s0")).get(0).state()).isEqualTo(ItemState.PENDING);
      assertThat(f.workerLog()).doesNotContain("stop_part_overran");
    }
  }
}
