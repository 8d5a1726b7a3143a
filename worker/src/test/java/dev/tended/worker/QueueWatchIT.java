package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueWatchIT {
  @TempDir Path dir;

  @Test
  void aReplacedQueueFileIsPickedUpLongBeforeThePollInterval() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("record.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")
          .replace("pollInterval: 200ms", "pollInterval: 60s")).write();
      WorkerProcess worker = f.start();
      f.awaitBeatFrom(worker);
      await().atMost(Duration.ofSeconds(10)).until(() -> worker.output().contains("queue_watch_started"));

      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("idea-", 0, 3));

      await().atMost(Duration.ofSeconds(10)).until(() -> f.resultCount("ideas") == 3);
      assertThat(f.runs()).hasSize(3);
      worker.signal("TERM");
      assertThat(worker.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }
}
