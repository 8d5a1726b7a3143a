package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging never stops the work (issue 11, A and 14): a stdout nobody reads, a log file truncated or
 * renamed under the running worker.
 */
class LoggingNeverBlocksIT {
  /** Long ids make long log lines: a few hundred items write far more than a pipe's 64 KiB. */
  private static final String LONG_PREFIX = "item-" + "x".repeat(200) + "-";
  private static final int ITEMS = 600;

  @TempDir Path dir;

  @Test
  void aStdoutPipeNobodyReadsStopsNeitherTheItemsNorTheHeartbeatNorTheLogFile() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("ok.sh", "cat > /dev/null; exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "    concurrency: 4\n")).write();
      Files.createDirectories(f.config.dataDir());
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas(LONG_PREFIX, 0, ITEMS));
      // stdout and stderr a pipe that this test never reads: it is full after 64 KiB
      Process worker = new ProcessBuilder(WorkerProcess.faultableWorkerCommand(WorkerProcess.workerJar(),
          f.config.file())).redirectErrorStream(true).start();
      try {
        await("every item finished").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
            .until(() -> f.resultCount("ideas") == ITEMS);
        long sequence = f.status.sequence();
        await("the heartbeat goes on").atMost(Duration.ofSeconds(20))
            .until(() -> f.status.sequence() > sequence);
        await("the drops are reported in the file").atMost(Duration.ofSeconds(30))
            .until(() -> f.workerLog().contains("log_lines_dropped output=stdout"));
        awaitLogged(() ->
            assertThat(f.workerLog()).contains("id=" + LONG_PREFIX + (ITEMS - 1))
                .doesNotContain("log_lines_dropped output=file"));
        assertThat(worker.isAlive()).isTrue();
      } finally {
        worker.descendants().forEach(ProcessHandle::destroyForcibly);
        worker.destroyForcibly();
      }
    }
  }

  @Test
  void truncatingTheLogFileUnderTheWorkerLeavesNoHoleAndTheNextEventsAtItsStart() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path queue = configureWithItems(f, 5);
      f.start();
      Path log = f.config.dataDir().resolve("logs/worker.log");
      await().atMost(Duration.ofSeconds(30)).until(() -> f.resultCount("ideas") == 5);
      assertThat(Files.size(log)).isPositive();

      // what logrotate's copytruncate does after its copy
      try (var channel = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
      Queues.replaceAtomically(queue, Queues.ideas("s", 0, 6));
      await().atMost(Duration.ofSeconds(30)).until(() -> f.workerLog().contains("id=s5"));

      byte[] bytes = Files.readAllBytes(log);
      assertThat(bytes[0]).as("no hole of zeros where the old lines were").isNotZero();
      assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\0")
          .doesNotContain("id=s0 ");
    }
  }

  @Test
  void afterTheLogFileIsRenamedSigusr1MakesANewOneThatGetsTheNextEvents() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path queue = configureWithItems(f, 3);
      WorkerProcess worker = f.start();
      Path log = f.config.dataDir().resolve("logs/worker.log");
      await().atMost(Duration.ofSeconds(30)).until(() -> f.resultCount("ideas") == 3);

      // logrotate's create mode: rename, then signal
      Path rotated = log.resolveSibling("worker.log.1");
      Files.move(log, rotated);
      worker.signal("USR1");
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(log) && f.workerLog().contains("log_reopened"));
      Queues.replaceAtomically(queue, Queues.ideas("s", 0, 4));
      await().atMost(Duration.ofSeconds(30)).until(() -> f.workerLog().contains("id=s3"));

      assertThat(Files.readString(rotated)).doesNotContain("id=s3").contains("id=s2");
      assertThat(worker.isAlive()).isTrue();
      assertThat(worker.stop(Duration.ofSeconds(20))).isZero();
    }
  }

  /** Writes the config and a queue of {@code count} items; returns the queue file. */
  private static Path configureWithItems(WorkerFixture f, int count) throws IOException {
    Path handler = f.config.script("ok.sh", "cat > /dev/null; exit 0");
    f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
    Files.createDirectories(f.config.dataDir());
    Path queue = f.config.dataDir().resolve("ideas_log.json");
    Queues.replaceAtomically(queue, Queues.ideas("s", 0, count));
    return queue;
  }
}
