package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.status.QueueFault;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFaultIT {
  @TempDir Path dir;

  @Test
  void truncatedQueueFileRunsCompleteItemsReportsTheFaultAndResumesWhenRepaired() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Path queue = f.config.dataDir().resolve("ideas_log.json");
      String whole = Queues.ideas("t", 0, 4);
      String truncated = whole.substring(0, whole.indexOf("\"t2\"") + 10);
      Queues.replaceAtomically(queue, truncated);

      WorkerProcess worker = f.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 2);
      await().atMost(Duration.ofSeconds(30)).until(() ->
          f.status.read().map(s -> s.sources().get("ideas").fault()).isPresent());
      QueueFault fault = f.status.read().orElseThrow().sources().get("ideas").fault();
      assertThat(fault.file()).endsWith("ideas_log.json");
      assertThat(fault.line()).isEqualTo(4);
      assertThat(fault.column()).isPositive();
      assertThat(fault.reason()).isNotBlank();
      assertThat(fault.quarantinedAs()).isNotNull();
      assertThat(Path.of(fault.quarantinedAs())).hasContent(truncated);
      awaitLogged(() -> assertThat(f.workerLog()).contains("queue_fault source=ideas").contains("line=4"));
      assertThat(Files.readString(queue)).isEqualTo(truncated);

      long seq = f.status.sequence();
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.sequence() > seq + 2);
      assertThat(worker.isAlive()).isTrue();

      Queues.replaceAtomically(queue, whole);
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 4);
      await().atMost(Duration.ofSeconds(10)).until(() ->
          f.status.read().map(s -> s.sources().get("ideas").fault() == null).orElse(false));
      awaitLogged(() -> assertThat(f.workerLog()).contains("queue_fault_cleared source=ideas"));
      assertThat(f.runs()).hasSize(4);
    }
  }

  @Test
  void fileCaughtHalfWrittenByANonAtomicProducerIsReadAgainAndNothingIsLost() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("qa-issues", "QAissue.json", handler, "")).write();
      Path queue = f.config.dataDir().resolve("QAissue.json");
      String lines = Queues.jsonLines(List.of("q0", "q1", "q2", "q3", "q4"));
      int cut = lines.indexOf("q3") + 5;
      Files.writeString(queue, lines.substring(0, cut));

      f.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("qa-issues").get(ItemState.SUCCEEDED) == 3);
      Files.writeString(queue, lines.substring(cut), StandardOpenOption.APPEND);
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("qa-issues").get(ItemState.SUCCEEDED) == 5);
      await().atMost(Duration.ofSeconds(10)).until(() ->
          f.status.read().map(s -> s.sources().get("qa-issues").fault() == null).orElse(false));
      assertThat(f.runs()).hasSize(5);
      try (Stream<Path> q = Files.walk(f.config.dataDir().resolve("quarantine")).filter(Files::isRegularFile)) {
        assertThat(q).allSatisfy(copy -> assertThat(copy).hasContent(lines.substring(0, cut)));
      } catch (java.nio.file.NoSuchFileException none) {
        // no quarantine copy at all: the half line was completed within one poll
      }
    }
  }
}
