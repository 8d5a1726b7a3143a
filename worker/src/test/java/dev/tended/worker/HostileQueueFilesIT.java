package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.status.QueueFault;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue files that work against the worker (issue 11, cases 4 and 5), against the real jar. */
class HostileQueueFilesIT {
  @TempDir Path dir;

  private static void append(Path file, String text) throws IOException {
    Files.write(file, text.getBytes(UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static String line(String id) {
    return "{\"id\": \"" + id + "\", \"title\": \"an idea\"}\n";
  }

  private static Map<String, Long> runsById(WorkerFixture f) throws IOException {
    return f.runs().stream().map(r -> r.split(" ")[1]).collect(Collectors.groupingBy(Function.identity(),
        Collectors.counting()));
  }

  private static QueueFault faultOf(WorkerFixture f, String source) {
    return f.status.read().map(s -> s.sources().get(source)).map(s -> s.fault()).orElse(null);
  }

  private static long bytesUnder(Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (NoSuchFileException none) {
      return 0;
    }
  }

  private static List<Path> filesUnder(Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (NoSuchFileException none) {
      return List.of();
    }
  }

  @Test
  void aTornLineIsOneBadItemAndTheThirtyLinesOtherProducersAppendAfterItAllRun() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("qa", "QAissue.json", handler, "    concurrency: 4\n")).write();
      Path queue = f.config.dataDir().resolve("QAissue.json");
      append(queue, line("before"));
      append(queue, "{\"id\": \"torn\", \"title\": \"killed mid-li"); // its producer died here
      f.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("qa").get(ItemState.SUCCEEDED) == 1);

      for (int i = 0; i < 30; i++) {
        append(queue, line("after-" + i));
      }

      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("qa").get(ItemState.SUCCEEDED) == 31);
      Map<String, Long> runs = runsById(f);
      assertThat(runs).hasSize(31).containsEntry("before", 1L).doesNotContainKey("torn");
      assertThat(runs.values()).containsOnly(1L);
      await().atMost(Duration.ofSeconds(10)).until(() -> faultOf(f, "qa") != null);
      QueueFault fault = faultOf(f, "qa");
      assertThat(fault.line()).isEqualTo(2);
      assertThat(fault.reason()).startsWith("bad line, skipped");
      assertThat(Path.of(fault.quarantinedAs())).hasContent("{\"id\": \"torn\", \"title\": \"killed mid-li");
      awaitLogged(() -> assertThat(f.workerLog()).contains("queue_line_rejected source=qa").contains("line=2"));
    }
  }

  @Test
  void producersAppendingTogetherWithOneKilledMidLineHaveEveryWholeLineRunExactlyOnce() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("qa", "QAissue.json", handler, "    concurrency: 4\n")).write();
      Path queue = f.config.dataDir().resolve("QAissue.json");
      Files.createDirectories(queue.getParent());
      f.start();

      int producers = 4;
      int each = 40;
      ExecutorService pool = Executors.newFixedThreadPool(producers);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
          int producer = p;
          done.add(pool.submit(() -> {
            for (int i = 0; i < each; i++) {
              append(queue, line("p" + producer + "-" + i)); // one write(2) per line, O_APPEND
              if (producer == 0 && i == each / 2) {
                append(queue, "{\"id\": \"killed\", \"note\": \"half a li"); // and this producer dies
                return null;
              }
            }
            return null;
          }));
        }
        for (Future<?> d : done) {
          d.get();
        }
      } finally {
        pool.shutdown();
      }
      append(queue, line("last")); // a whole line after the torn one, whoever wrote it
      int whole = (producers - 1) * each + (each / 2 + 1) + 1;

      await().atMost(Duration.ofSeconds(120)).until(() -> f.counts("qa").get(ItemState.SUCCEEDED) == whole);
      Map<String, Long> runs = runsById(f);
      assertThat(runs).hasSize(whole).doesNotContainKey("killed").containsKey("last");
      assertThat(runs.values()).as("each whole line exactly once").containsOnly(1L);
    }
  }

  @Test
  void aLastLineWithoutItsNewlineIsReadAgainOnceFinishedAndNeverReportedAsAFault() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("qa", "QAissue.json", handler, "")).write();
      Path queue = f.config.dataDir().resolve("QAissue.json");
      append(queue, line("a") + line("b") + "{\"id\": \"slow\", \"title\": \"written by a slow produ");
      f.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("qa").get(ItemState.SUCCEEDED) == 2);
      // The ledger may be ahead of status.json: wait for a status file that has polled the source.
      Instant polled = await().atMost(Duration.ofSeconds(30)).until(() -> lastPollAt(f, "qa"), Optional::isPresent)
          .orElseThrow();
      await().atMost(Duration.ofSeconds(30)).until(() -> lastPollAt(f, "qa")
          .filter(t -> t.isAfter(polled.plusSeconds(1))).isPresent());
      assertThat(faultOf(f, "qa")).as("several polls of the unfinished line").isNull();

      append(queue, "cer\"}\n");

      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("qa").get(ItemState.SUCCEEDED) == 3);
      assertThat(runsById(f)).containsEntry("slow", 1L).hasSize(3);
      assertThat(faultOf(f, "qa")).isNull();
      assertThat(f.workerLog()).doesNotContain("queue_fault source=qa").doesNotContain("queue_line_rejected");
      assertThat(filesUnder(f.config.dataDir().resolve("quarantine"))).isEmpty();
    }
  }

  @Test
  void aSparseHundredGibibyteQueueFileIsAFaultWithASmallCopyWhileTheHeartbeatGoesOn() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Path queue = f.config.dataDir().resolve("ideas_log.json");
      Files.createDirectories(queue.getParent());
      try (RandomAccessFile raf = new RandomAccessFile(queue.toFile(), "rw")) {
        raf.setLength(100L * 1024 * 1024 * 1024); // no block on disk
      }

      WorkerProcess worker = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> faultOf(f, "ideas") != null);
      QueueFault fault = faultOf(f, "ideas");
      assertThat(fault.file()).isEqualTo("ideas_log.json");
      assertThat(fault.quarantinedAs()).isNotNull();
      long seq = f.status.sequence();
      await().atMost(Duration.ofSeconds(30)).until(() -> f.status.sequence() > seq + 3);

      assertThat(worker.isAlive()).isTrue();
      assertThat(bytesUnder(f.config.dataDir().resolve("quarantine"))).isLessThanOrEqualTo(1024 * 1024);
      awaitLogged(() -> assertThat(f.workerLog()).contains("queue_fault source=ideas"));
    }
  }

  @Test
  void twentyBrokenVersionsOfATwoMebibyteFileLeaveABoundedQuarantine() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
          .extra("retention:\n  quarantineKept: 5\n").write();
      Path queue = f.config.dataDir().resolve("ideas_log.json");
      StringBuilder array = new StringBuilder("[");
      for (int i = 0; array.length() < 2 * 1024 * 1024; i++) {
        array.append("{\"id\": \"i").append(i).append("\", \"pad\": \"").append("x".repeat(80)).append("\"},\n");
      }
      append(queue, array.toString());
      f.start();

      String copy = null;
      for (int version = 0; version < 20; version++) {
        append(queue, "oops" + version + ",\n");
        String before = copy;
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          QueueFault q = faultOf(f, "ideas");
          return q != null && q.quarantinedAs() != null && !Objects.equals(q.quarantinedAs(), before);
        });
        copy = faultOf(f, "ideas").quarantinedAs();
      }

      List<Path> kept = filesUnder(f.config.dataDir().resolve("quarantine"));
      assertThat(kept).hasSizeLessThanOrEqualTo(5);
      assertThat(bytesUnder(f.config.dataDir().resolve("quarantine"))).isLessThanOrEqualTo(5L * 1024 * 1024);
      assertThat(Path.of(copy)).exists();
      WorkerStatus status = f.status.read().orElseThrow();
      assertThat(status.sources().get("ideas").fault().line()).isPositive();
    }
  }

  @Test
  void aWorkerKilledWhileCopyingToQuarantineLeavesNoPartialCopyAndTheNextOneCopiesAfresh() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Path queue = f.config.dataDir().resolve("ideas_log.json");
      String broken = "[{\"id\": \"a\"},\n{\"id\": ";
      append(queue, broken);
      Path signal = dir.resolve("held-force");
      Path quarantine = f.config.dataDir().resolve("quarantine");

      WorkerProcess first = WorkerProcess.startWorker(f.config.file(), Map.of(
          dev.tended.testkit.faults.EnvironmentFaults.HOLD_FORCE_OF, "/quarantine/",
          dev.tended.testkit.faults.EnvironmentFaults.HOLD_FORCE_SIGNAL, signal.toString()), dir.resolve("first.out"));
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(signal)); // copy written, not yet forced
        first.signal("KILL");
        assertThat(first.waitFor(Duration.ofSeconds(30))).isPresent();
      } finally {
        first.close();
      }
      assertThat(filesUnder(quarantine)).as("only the hidden temporary copy")
          .allSatisfy(p -> assertThat(p.getFileName().toString()).startsWith("."));

      f.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        QueueFault q = faultOf(f, "ideas");
        return q != null && q.quarantinedAs() != null;
      });
      List<Path> kept = filesUnder(quarantine);
      assertThat(kept).hasSize(1);
      assertThat(kept.get(0)).hasContent(broken).isEqualTo(Path.of(faultOf(f, "ideas").quarantinedAs()));
    }
  }

  private static Optional<Instant> lastPollAt(WorkerFixture f, String source) {
    return f.status.read().flatMap(s -> Optional.ofNullable(s.sources().get(source)))
        .flatMap(src -> Optional.ofNullable(src.lastPollAt()));
  }
}
