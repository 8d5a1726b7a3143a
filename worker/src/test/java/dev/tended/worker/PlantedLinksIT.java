package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.io.SafeFileNames;
import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links planted inside the data folder, pointing outside it: the real worker never writes
 * or truncates what they point to, reports each link by its path, and loses no item; where it cannot
 * run at all (the log folder, its lock, its ledger) it refuses to start with exit 1.
 */
class PlantedLinksIT {
  private static final Instant OLD = Instant.parse("2020-01-01T00:00:00Z");
  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path dir;
  Path outside;
  Path precious;

  @BeforeEach
  void somethingWorthProtectingOutsideTheDataFolder() throws IOException {
    outside = Files.createDirectories(dir.resolve("outside"));
    precious = outside.resolve("precious.txt");
    Files.writeString(precious, "keep me\n");
    Files.setLastModifiedTime(precious, FileTime.from(OLD));
  }

  private void assertOutsideUnchanged() throws IOException {
    assertThat(Files.readString(precious)).isEqualTo("keep me\n");
    assertThat(Files.getLastModifiedTime(precious).toInstant()).isEqualTo(OLD);
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.toList()).containsExactly(precious);
    }
  }

  /** One item {@code w0}; its handler fails its first attempt when {@code failFirst}; backoff 4 s. */
  private WorkerFixture fixture(boolean failFirst) throws IOException {
    WorkerFixture f = new WorkerFixture(dir);
    Path handler = f.recordingHandler("h.sh", "cat > /dev/null; echo out; "
        + (failFirst ? "[ \"$TENDED_ATTEMPT\" = 1 ] && exit 1; " : "") + "exit 0");
    f.config.source(TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
        TestConfig.handler(handler, "20s", "1s", ""),
        List.of("retry: { maxAttempts: 6, initialBackoff: 4s, maxBackoff: 4s }"))).write();
    Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("w", 0, 1));
    return f;
  }

  private static void awaitLog(WorkerFixture f, String text) {
    await().atMost(LONG).until(() -> f.workerLog().contains(text));
  }

  private static Callable<Boolean> succeeded(WorkerFixture f) {
    return () -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1;
  }

  @Test
  void aLinkedResultsFolderIsRefusedTheOutcomeWaitsAndIsRecordedOnceTheLinkIsGone() throws Exception {
    try (WorkerFixture f = fixture(false)) {
      Path link = Files.createSymbolicLink(Files.createDirectories(f.config.dataDir().resolve("results"))
          .resolve("ideas"), outside);
      WorkerProcess w = f.start();
      awaitLog(f, "data_folder_link_refused path=" + link);
      assertThat(w.isAlive()).isTrue();
      assertOutsideUnchanged();

      Files.delete(link);
      await().atMost(LONG).until(succeeded(f));
      assertThat(f.resultCount("ideas")).isEqualTo(1);
      assertThat(f.runs()).as("the handler ran once: only the recording waited").hasSize(1);
      assertOutsideUnchanged();
    }
  }

  @Test
  void aLinkedWorkFolderFailsThatAttemptAndTheItemRunsOnceTheLinkIsGone() throws Exception {
    try (WorkerFixture f = fixture(false)) {
      Path perSource = Files.createDirectories(f.config.dataDir().resolve("work").resolve(SafeFileNames.forId("ideas")));
      Path link = Files.createSymbolicLink(perSource.resolve(SafeFileNames.forId("w0")), outside);
      WorkerProcess w = f.start();
      awaitLog(f, "data_folder_link_refused path=" + link);
      assertThat(w.isAlive()).isTrue();
      assertOutsideUnchanged();

      Files.delete(link);
      await().atMost(LONG).until(succeeded(f));
      assertOutsideUnchanged();
    }
  }

  @Test
  void aLinkAtInputJsonIsNeverWrittenThrough() throws Exception {
    plantedInTheWorkFolderBetweenAttempts("input.json");
  }

  @Test
  void aLinkAtAnAttemptsOutputIsNeverTruncated() throws Exception {
    plantedInTheWorkFolderBetweenAttempts("attempt-2.stdout");
  }

  /** Attempt 1 fails; {@code name} is planted in the version's folder; attempt 2 is refused; 3 runs. */
  private void plantedInTheWorkFolderBetweenAttempts(String name) throws Exception {
    try (WorkerFixture f = fixture(true)) {
      WorkerProcess w = f.start();
      await().atMost(LONG).until(() -> f.counts("ideas").get(ItemState.FAILED) == 1);
      Path input;
      try (Stream<Path> s = Files.walk(f.config.dataDir().resolve("work"))) {
        input = s.filter(p -> p.getFileName().toString().equals("input.json")).findFirst().orElseThrow();
      }
      Path link = input.resolveSibling(name);
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, precious);
      awaitLog(f, "data_folder_link_refused path=" + link);
      assertThat(w.isAlive()).isTrue();
      assertOutsideUnchanged();

      Files.delete(link);
      await().atMost(LONG).until(succeeded(f));
      assertThat(f.runs()).as("attempt 2 never ran the handler").hasSize(2);
      assertOutsideUnchanged();
    }
  }

  @Test
  void aLinkedQuarantineFolderIsRefusedAndTheFaultIsStillReported() throws Exception {
    try (WorkerFixture f = fixture(false)) {
      Path link = Files.createSymbolicLink(Files.createDirectories(f.config.dataDir().resolve("quarantine"))
          .resolve(SafeFileNames.forId("ideas")), outside);
      Files.writeString(f.config.dataDir().resolve("ideas_log.json"), "[{\"id\": \"w0\"}, {\"id\": ");
      WorkerProcess w = f.start();
      awaitLog(f, "data_folder_link_refused path=" + link);
      f.status.await(s -> s.sources().get("ideas").fault() != null, LONG);
      assertThat(w.isAlive()).isTrue();
      assertOutsideUnchanged();
    }
  }

  @Test
  void aLinkedStatusFileIsReplacedNotWrittenThroughAndTheWorkerBeats() throws Exception {
    try (WorkerFixture f = fixture(false)) {
      Path status = Files.createSymbolicLink(f.config.statusFile(), precious);
      WorkerProcess w = f.start();
      await().atMost(LONG).until(() -> !Files.isSymbolicLink(status));
      f.awaitBeatFrom(w);
      await().atMost(LONG).until(succeeded(f));
      awaitLogged(() -> assertThat(f.workerLog()).contains("data_folder_link_replaced path=" + status));
      assertOutsideUnchanged();
    }
  }

  @Test
  void aLinkedLogFolderMakesTheWorkerRefuseToStart() throws Exception {
    refusesToStart(f -> Files.createSymbolicLink(f.config.dataDir().resolve("logs"), outside));
  }

  @Test
  void aLinkedLogFileMakesTheWorkerRefuseToStart() throws Exception {
    refusesToStart(f -> Files.createSymbolicLink(Files.createDirectories(f.config.dataDir().resolve("logs"))
        .resolve("worker.log"), precious));
  }

  @Test
  void aLinkedLockFileMakesTheWorkerRefuseToStartWithoutTruncatingItsTarget() throws Exception {
    refusesToStart(f -> Files.createSymbolicLink(f.config.dataDir().resolve("worker.lock"), precious));
  }

  @Test
  void aLinkedLedgerMakesTheWorkerRefuseToStart() throws Exception {
    refusesToStart(f -> Files.createSymbolicLink(f.config.dataDir().resolve("ledger.db"), precious));
  }

  @Test
  void aLinkedLedgerJournalMakesTheWorkerRefuseToStart() throws Exception {
    refusesToStart(f -> Files.createSymbolicLink(f.config.dataDir().resolve("ledger.db-wal"), precious));
  }

  interface Plant {
    Path in(WorkerFixture f) throws IOException;
  }

  private void refusesToStart(Plant plant) throws Exception {
    try (WorkerFixture f = fixture(false)) {
      Path link = plant.in(f);
      WorkerProcess w = f.start();
      assertThat(w.awaitExit(LONG)).isEqualTo(1);
      assertThat(w.output()).contains(link + ": is a symbolic link");
      assertThat(f.runs()).isEmpty();
      assertOutsideUnchanged();
    }
  }
}
