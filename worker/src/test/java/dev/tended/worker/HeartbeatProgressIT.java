package dev.tended.worker;

import dev.tended.testkit.faults.ResultWriteFaults;
import dev.tended.testkit.faults.WedgeablePolls;
import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.status.SourceStatus;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatProgressIT {
  @TempDir Path dir;

  @Test
  void heartbeatAdvancesThroughAHandlerLongerThanStaleAfterAndStopsWhenAPollerIsWedged() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path started = dir.resolve("started");
      Path handler = f.recordingHandler("long.sh", "touch '" + started + "'\nsleep 5");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("l", 0, 1));
      f.start();

      // staleAfter is 3s; the handler runs 5s; beats (every 300ms) must keep coming throughout.
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started));
      long atStart = f.status.sequence();
      await().atMost(Duration.ofSeconds(20)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      assertThat(f.status.sequence() - atStart).isGreaterThanOrEqualTo(8);

      Path wedge = hook(WedgeablePolls.wedgeFile(f.config.dataDir(), "ideas"));
      awaitHeartbeatStill(f, Duration.ofSeconds(3), Duration.ofSeconds(15));
      awaitLogged(() -> assertThat(f.workerLog()).contains("heartbeat_withheld").contains("poll-ideas"));

      long frozen = f.status.sequence();
      Files.delete(wedge);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.sequence() > frozen);
      awaitLogged(() -> assertThat(f.workerLog()).contains("heartbeat_resumed"));
    }
  }

  @Test
  void aWorkerFrozenFromOutsideLogsThePauseOnWakingAndBlamesNoPollerForIt() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
          .source(TestConfig.jsonQueue("qa", "QAissue.json", handler, "")).write();
      WorkerProcess worker = f.start();
      f.awaitBeatFrom(worker);

      // Frozen for longer than the wedge limit (half of staleAfter, 1.5 s): every part is late by the gap.
      worker.signal("STOP");
      long frozenAt = System.nanoTime();
      await().pollDelay(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(10))
          .until(() -> System.nanoTime() - frozenAt >= Duration.ofMillis(3500).toNanos());
      long before = f.status.sequence();
      worker.signal("CONT");

      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.sequence() > before + 3);
      awaitLogged(() ->
          assertThat(f.workerLog()).contains("process_paused gap_ms=").doesNotContain("heartbeat_withheld"));
    }
  }

  /** Waits until the status file's sequence has stayed the same for {@code still}: the heartbeat is withheld. */
  private static void awaitHeartbeatStill(WorkerFixture f, Duration still, Duration limit) {
    AtomicLong last = new AtomicLong(f.status.sequence());
    AtomicLong lastChange = new AtomicLong(System.nanoTime());
    await().atMost(limit).pollInterval(Duration.ofMillis(100)).until(() -> {
      long now = f.status.sequence();
      if (now != last.getAndSet(now)) {
        lastChange.set(System.nanoTime());
      }
      return System.nanoTime() - lastChange.get() > still.toNanos();
    });
  }

  private static Path hook(Path file) throws java.io.IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, "");
  }

  @Test
  void heartbeatStopsWhileAFinishedItemsOutcomeIsStuckInAWriteInsideTheWorkerAndResumesOnceItIsRecorded()
      throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Path wedge = hook(ResultWriteFaults.wedgeFile(f.config.dataDir()));
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("w", 0, 1));
      f.start();

      // The handler is done at once; its thread then blocks writing the result: every cycle still turns.
      await().atMost(Duration.ofSeconds(30)).until(() -> f.runs().size() == 1);
      awaitHeartbeatStill(f, Duration.ofSeconds(3), Duration.ofSeconds(20));
      awaitLogged(() ->
          assertThat(f.workerLog()).contains("heartbeat_withheld").contains("record-ideas").contains("id=w0"));
      assertThat(f.counts("ideas").get(ItemState.RUNNING)).isEqualTo(1);

      long frozen = f.status.sequence();
      Files.delete(wedge);
      await().atMost(Duration.ofSeconds(20)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.sequence() > frozen);
      awaitLogged(() -> assertThat(f.workerLog()).contains("heartbeat_resumed"));
    }
  }

  @Test
  void outcomesThatCannotBeRecordedShowInTheStatusFileThenStopTheHeartbeatPastTheWedgeLimit() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Path failing = hook(ResultWriteFaults.failFile(f.config.dataDir()));
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("r", 0, 1));
      f.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> f.status.read()
          .map(s -> s.sources().get("ideas")).map(SourceStatus::recording).isPresent());
      SourceStatus shown = f.status.read().orElseThrow().sources().get("ideas");
      assertThat(shown.recording().reason()).contains("cannot record the outcome of r0").contains("simulated failure");
      assertThat(shown.recording().since()).isNotNull();
      awaitHeartbeatStill(f, Duration.ofSeconds(3), Duration.ofSeconds(20));
      awaitLogged(() -> assertThat(f.workerLog()).contains("heartbeat_withheld").contains("record-ideas"));

      Files.delete(failing);
      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.read()
          .map(s -> s.sources().get("ideas").recording() == null).orElse(false));
    }
  }

  @Test
  void aFirstPollThatTakesManyWedgeLimitsButKeepsRecordingKeepsTheHeartbeatGoing() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      // One handler at a time, each long: the backlog's items barely run while the poll records them.
      Path handler = f.recordingHandler("slow.sh", "sleep 30");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      // 12 batches of 500, each held 500 ms before it is recorded: a poll of about 6 s, four wedge limits (1.5 s).
      Files.writeString(hook(WedgeablePolls.slowFile(f.config.dataDir(), "ideas")), "500");
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("b", 0, 6000));
      WorkerProcess worker = f.start();
      long firstBeat = f.awaitBeatFrom(worker).sequence();

      await().atMost(Duration.ofSeconds(60)).until(() -> f.workerLog().contains("poll_found source=ideas new=6000"));
      assertThat(f.workerLog()).doesNotContain("heartbeat_withheld");
      assertThat(f.status.sequence() - firstBeat).as("beats during the long poll").isGreaterThanOrEqualTo(10);
      assertThat(f.counts("ideas").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(6000);
    }
  }
}
