package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneWorkerPerDataFolderIT {
  @TempDir Path dir;

  @Test
  void aSecondWorkerOnTheSameDataFolderRefusesToStartAndTheFirstKeepsItsItems() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("slow.sh", "cat > /dev/null; sleep 5");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("w", 0, 1));
      WorkerProcess first = f.start();
      f.awaitBeatFrom(first);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> f.runs().size() == 1);

      WorkerProcess second = f.start();
      assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(second.output()).contains("another worker (pid " + first.pid() + ") runs on");
      assertThat(first.isAlive()).isTrue();
      assertThat(f.runs()).as("the running item was not put back and run again by the second worker").hasSize(1);
      assertThat(f.workerLog()).doesNotContain("items_adopted adopted=1");
    }
  }
}
