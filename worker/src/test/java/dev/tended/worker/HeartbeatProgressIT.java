package dev.tended.worker;

import dev.tended.testkit.faults.WedgeablePolls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
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

      Path wedge = WedgeablePolls.wedgeFile(f.config.dataDir(), "ideas");
      Files.createDirectories(wedge.getParent());
      Files.writeString(wedge, "");
      AtomicLong last = new AtomicLong(f.status.sequence());
      AtomicLong lastChange = new AtomicLong(System.nanoTime());
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
        long now = f.status.sequence();
        if (now != last.getAndSet(now)) {
          lastChange.set(System.nanoTime());
        }
        return System.nanoTime() - lastChange.get() > Duration.ofSeconds(3).toNanos();
      });
      assertThat(f.workerLog()).contains("heartbeat_withheld").contains("poll-ideas");

      long frozen = f.status.sequence();
      Files.delete(wedge);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.sequence() > frozen);
      assertThat(f.workerLog()).contains("heartbeat_resumed");
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
      assertThat(f.workerLog()).contains("process_paused gap_ms=").doesNotContain("heartbeat_withheld");
    }
  }
}
