package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerProcessingIT {
  @TempDir Path dir;

  @Test
  void everyItemOfEverySourceRunsExactlyOnceWithResultsAndAFreshHeartbeat() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("record.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "    concurrency: 2"))
          .source(TestConfig.jsonQueue("qa-issues", "QAissue.json", handler, ""))
          .source(TestConfig.directory("implementations", "implementations", handler, ""))
          .write();
      Path data = f.config.dataDir();
      WorkerProcess worker = f.start();
      f.awaitBeatFrom(worker);

      // Each replacement adds ten ideas; wait until the worker has recorded them before the next, so
      // every one of the 30 versions is really read (a producer racing ahead would be seen only a few times).
      for (int batch = 1; batch <= 30; batch++) {
        Queues.replaceAtomically(data.resolve("ideas_log.json"), Queues.ideas("idea-", 0, batch * 10));
        long expected = batch * 10L;
        await("version " + batch + " of ideas_log.json recorded").atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> f.counts("ideas").values().stream().mapToLong(Long::longValue).sum() == expected);
      }
      Files.writeString(data.resolve("QAissue.json"),
          Queues.jsonLines(IntStream.range(0, 20).mapToObj(i -> "qa-" + i).toList()));
      for (int i = 0; i < 5; i++) {
        Path staging = data.resolve(".impl-" + i + ".tmp");
        Files.createDirectories(staging);
        Files.writeString(staging.resolve("README"), "implementation " + i);
        Files.createDirectories(data.resolve("implementations"));
        Files.move(staging, data.resolve("implementations").resolve("impl-" + i));
      }

      await().atMost(Duration.ofSeconds(120)).until(() ->
          f.resultCount("ideas") == 300 && f.resultCount("qa-issues") == 20 && f.resultCount("implementations") == 5);

      List<String> runs = f.runs();
      Map<String, Long> runsPerItem = runs.stream()
          .collect(Collectors.groupingBy(line -> line.substring(0, line.lastIndexOf(' ')), Collectors.counting()));
      assertThat(runsPerItem).hasSize(325).allSatisfy((item, n) -> assertThat(n).as("runs of " + item).isEqualTo(1));
      assertThat(runs).allMatch(line -> line.endsWith(" 1"));
      assertThat(f.workerLog().lines().filter(l -> l.contains("poll_found source=ideas new=10 ")))
          .as("one poll found each of the 30 versions").hasSize(30);
      assertThat(f.counts("ideas").get(ItemState.SUCCEEDED)).isEqualTo(300);

      long seq = f.status.sequence();
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.sequence() > seq + 2);
      WorkerStatus s = f.status.read().orElseThrow();
      assertThat(s.state()).isEqualTo("running");
      assertThat(s.updatedAt()).isAfter(Instant.now().minusSeconds(5));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          f.status.read().orElseThrow().sources().get("ideas").succeeded() == 300);
      assertThat(Files.readString(data.resolve("results/ideas/idea-7.json")))
          .contains("\"status\" : \"succeeded\"").contains("\"attempts\" : 1");

      worker.signal("TERM");
      assertThat(worker.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(f.status.read().orElseThrow().state()).isEqualTo("stopped");
    }
  }
}
