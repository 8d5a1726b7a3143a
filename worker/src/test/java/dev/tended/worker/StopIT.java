package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
}
