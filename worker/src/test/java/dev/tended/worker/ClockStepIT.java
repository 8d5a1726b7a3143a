package dev.tended.worker;

import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real worker under libfaketime (Debian package {@code faketime}), whose wall clock steps by an
 * hour once the process has run for {@link #STEP_AFTER_S} seconds ({@code FAKETIME} with
 * {@code FAKETIME_START_AFTER_SECONDS}); the monotonic clock is left alone
 * ({@code FAKETIME_DONT_FAKE_MONOTONIC}), as NTP or a VM restore leave it. (Stepping through
 * {@code FAKETIME_TIMESTAMP_FILE} works too, but makes libfaketime read that file on every clock
 * call, which slows a JVM's start to minutes.)
 */
class ClockStepIT {
  private static final int STEP_AFTER_S = 12;
  @TempDir Path dir;

  private static Path libfaketime() throws IOException {
    try (DirectoryStream<Path> arches = Files.newDirectoryStream(Path.of("/usr/lib"))) {
      for (Path arch : arches) {
        Path lib = arch.resolve("faketime/libfaketime.so.1");
        if (Files.isRegularFile(lib)) {
          return lib;
        }
      }
    }
    throw new AssertionError("libfaketime not found under /usr/lib/*/faketime: install the Debian package faketime"
        + " (.ci/run does)");
  }

  @ParameterizedTest(name = "a step of {0} hours")
  @ValueSource(ints = {-1, 1})
  void aWallClockStepOfAnHourChangesNothingButTimestamps(int hours) throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Path queue = f.config.dataDir().resolve("ideas_log.json");
      Queues.replaceAtomically(queue, Queues.ideas("c", 0, 1));
      Duration step = Duration.ofHours(hours);
      WorkerProcess worker = WorkerProcess.startWorker(f.config.file(), Map.of(
          "LD_PRELOAD", libfaketime().toString(),
          "FAKETIME", (hours < 0 ? "-" : "+") + Math.abs(hours) + "h",
          "FAKETIME_START_AFTER_SECONDS", Integer.toString(STEP_AFTER_S),
          "FAKETIME_DONT_FAKE_MONOTONIC", "1"), dir.resolve("worker.out"));
      try (worker) {
        f.awaitBeatFrom(worker);
        await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);

        await("the status file's time after the step").atMost(Duration.ofSeconds(60))
            .until(() -> Duration.between(Instant.now().plus(step), f.status.read().orElseThrow().updatedAt()).abs()
                .compareTo(Duration.ofMinutes(5)) < 0);
        // New items are taken, and the heartbeat goes on: 30 beats (9 s) after the last change of the queue
        // file, far longer than the wedge limit (1.5 s), so polls kept coming on their own, not only when
        // the file-change fast path asked for one. (Not "never withheld": a machine this loaded may hold
        // a poll past the limit for a moment.)
        Queues.replaceAtomically(queue, Queues.ideas("c", 0, 3));
        await("items after the step").atMost(Duration.ofSeconds(30))
            .until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 3);
        long seq = f.status.sequence();
        await("beats after the step").atMost(Duration.ofSeconds(60)).until(() -> f.status.sequence() > seq + 30);
      }
    }
  }
}
