package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import dev.tended.testkit.faults.EnvironmentFaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handlers outlive their worker: a {@code kill -9} of the worker, or its hand-over at SIGHUP, leaves
 * the running handler alone, and the next worker adopts it and records its outcome as if nothing had
 * happened (one run, never signalled, attempt 1, its real times), its timeout still counted from its
 * own start. A handler that dies with its worker costs its item no attempt.
 */
class AdoptionIT {
  @TempDir Path dir;

  /**
   * A handler that records its run, its start ({@code started-<id>}, epoch millis) and any TERM, INT
   * or HUP it gets ({@code signals}), then sleeps {@code seconds} and records its end ({@code finished-<id>}).
   */
  private Path patientHandler(WorkerFixture f, String seconds) throws IOException {
    Path signals = dir.resolve("signals");
    return f.recordingHandler("patient.sh", ""
        + "for s in TERM INT HUP; do trap \"echo \\\"$TENDED_ITEM_ID $s \\$(date +%s%3N)\\\" >> '" + signals + "'\" $s; done\n"
        + "date +%s%3N > '" + dir + "'/started-$TENDED_ITEM_ID\n"
        + "sleep " + seconds + "\n"
        + "date +%s%3N > '" + dir + "'/finished-$TENDED_ITEM_ID\n"
        + "exit 0");
  }

  private Path startedFile(String id) {
    return dir.resolve("started-" + id);
  }

  private static Instant millis(Path file) throws IOException {
    return Instant.ofEpochMilli(Long.parseLong(Files.readString(file).trim()));
  }

  /** Whether the worker has recorded the handler of the one running item (what the next worker adopts it by). */
  private static boolean handlerRecorded(WorkerFixture f) {
    return f.withLedger(l -> l.running()).stream().anyMatch(r -> r.handler().isPresent());
  }

  private static boolean hasLine(Path file) throws IOException {
    return Files.exists(file) && Files.readString(file).endsWith("\n");
  }

  private ItemResult result(WorkerFixture f, String source, String id) throws IOException {
    return StatusFiles.mapper().readValue(f.config.dataDir().resolve("results/" + source + "/" + id + ".json").toFile(),
        ItemResult.class);
  }

  private static ItemRecord only(WorkerFixture f, String source, String id) {
    return f.withLedger(l -> l.versions(source, id)).get(0);
  }

  private static long lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  /**
   * What a power cut of the unit does to a worker and its handler: all of them die at once, the
   * waiter before it could record an exit status. {@code handlerAndWaiter} is the handler's line in
   * {@code pids}: its pid (its process group) and its parent, the waiter.
   */
  private static void cutPower(WorkerProcess worker, String handlerAndWaiter) throws Exception {
    String[] pids = handlerAndWaiter.split(" ");
    long handler = Long.parseLong(pids[0]);
    worker.signal("KILL");
    WorkerProcess.signal(Long.parseLong(pids[1]), "KILL");
    Process group = new ProcessBuilder("kill", "-KILL", "--", "-" + handler).inheritIO().start();
    assertThat(group.waitFor()).isZero();
    worker.awaitExit(Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(handler).map(p -> !p.isAlive()).orElse(true));
  }

  private static List<AttemptRecord> attempts(WorkerFixture f, long seq) {
    return f.withLedger(l -> l.attempts(seq));
  }

  @Test
  void aHandlerRunningWhenItsWorkerIsKilledRunsOnceUnsignalledAndSucceedsWithAttemptOneAndItsRealDuration()
      throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = patientHandler(f, "6");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("a", 0, 1));
      WorkerProcess first = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> hasLine(startedFile("a0")) && handlerRecorded(f));

      first.signal("KILL");
      first.awaitExit(Duration.ofSeconds(20));
      Instant secondStarted = Instant.now();
      WorkerProcess second = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      Instant seenRecorded = Instant.now();

      assertThat(f.runs()).containsExactly("ideas a0 1");
      assertThat(dir.resolve("signals")).as("the handler was never signalled").doesNotExist();
      ItemRecord item = only(f, "ideas", "a0");
      assertThat(item.attempts()).isEqualTo(1);
      assertThat(item.lastExitCode()).isZero();
      assertThat(attempts(f, item.seq())).singleElement()
          .satisfies(a -> assertThat(a.ending()).isEqualTo(AttemptEnding.EXITED));
      ItemResult result = result(f, "ideas", "a0");
      assertThat(result.status()).isEqualTo("succeeded");
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.durationMs()).as("the handler's real duration, from its own start").isGreaterThanOrEqualTo(6000);
      assertThat(result.startedAt()).isBefore(secondStarted);
      awaitLogged(() ->
          assertThat(f.workerLog()).contains("item_adopted source=ideas id=a0 attempt=1")
              .contains("items_adopted adopted=1 collected=0 interrupted=0 handed_back=0"));

      Instant ended = millis(dir.resolve("finished-a0"));
      System.out.printf("adoption after kill -9: handler ended %d ms after the new worker was started;"
          + " outcome seen recorded %d ms after the handler ended%n",
          Duration.between(secondStarted, ended).toMillis(), Duration.between(ended, seenRecorded).toMillis());
      assertThat(second.stop(Duration.ofSeconds(20))).isZero();
    }
  }

  @Test
  void aHandlerThatEndedWhileNoWorkerRanIsCollectedWithItsExitCodeAndTimes() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = patientHandler(f, "2");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("c", 0, 1));
      WorkerProcess first = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> hasLine(startedFile("c0")) && handlerRecorded(f));
      first.signal("KILL");
      first.awaitExit(Duration.ofSeconds(20));
      await().atMost(Duration.ofSeconds(30)).until(() -> hasLine(dir.resolve("finished-c0")));

      Instant secondStarted = Instant.now();
      WorkerProcess second = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      Instant seenRecorded = Instant.now();

      assertThat(f.runs()).containsExactly("ideas c0 1");
      assertThat(result(f, "ideas", "c0").durationMs()).isGreaterThanOrEqualTo(2000);
      assertThat(result(f, "ideas", "c0").finishedAt()).isBefore(secondStarted);
      awaitLogged(() ->
          assertThat(f.workerLog()).contains("item_collected source=ideas id=c0 attempt=1")
              .contains("items_adopted adopted=0 collected=1 interrupted=0 handed_back=0"));
      System.out.printf("collection after kill -9: outcome seen recorded %d ms after the new worker was started%n",
          Duration.between(secondStarted, seenRecorded).toMillis());
      assertThat(second.stop(Duration.ofSeconds(20))).isZero();
    }
  }

  @Test
  void aWorkerKilledAfterItsHandlerEndedButBeforeItsOutcomeWasCommittedLeavesItToTheNextWorkerWithoutARerun()
      throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = patientHandler(f, "1");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("w", 0, 1));
      Path held = dir.resolve("held");
      // The result file's force never returns: the handler has ended, its outcome is not committed.
      WorkerProcess first = WorkerProcess.startWorker(f.config.file(), Map.of(EnvironmentFaults.HOLD_FORCE_OF,
          "/results/ideas/", EnvironmentFaults.HOLD_FORCE_SIGNAL, held.toString()), dir.resolve("first.out"));
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(held));
        first.signal("KILL");
        assertThat(first.waitFor(Duration.ofSeconds(20))).isPresent();
      } finally {
        first.close();
      }
      assertThat(only(f, "ideas", "w0").state()).isEqualTo(ItemState.RUNNING);

      WorkerProcess second = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);

      assertThat(f.runs()).as("the handler ran once").containsExactly("ideas w0 1");
      assertThat(only(f, "ideas", "w0").attempts()).isEqualTo(1);
      assertThat(result(f, "ideas", "w0").durationMs()).isGreaterThanOrEqualTo(1000);
      awaitLogged(() -> assertThat(f.workerLog()).contains("item_collected source=ideas id=w0 attempt=1"));
      assertThat(second.stop(Duration.ofSeconds(20))).isZero();
    }
  }

  @Test
  void anAdoptedHandlerIsStoppedAtItsTimeoutCountedFromItsOwnStartAndItsItemIsChargedTheTimeout() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = patientHandler(f, "30");
      f.config.source(TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
          TestConfig.handler(handler, "5s", "1s", ""),
          List.of("retry: { maxAttempts: 1, initialBackoff: 100ms, maxBackoff: 1s }"))).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("t", 0, 1));
      WorkerProcess first = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> hasLine(startedFile("t0")) && handlerRecorded(f));
      Instant handlerStarted = millis(startedFile("t0"));
      await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(handlerStarted.plusSeconds(1)));

      first.signal("KILL");
      first.awaitExit(Duration.ofSeconds(20));
      Instant secondStarted = Instant.now();
      WorkerProcess second = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.DEAD) == 1);

      List<String> signals = Files.readAllLines(dir.resolve("signals"));
      assertThat(signals).as("stopped by TERM, once").hasSize(1).allMatch(l -> l.startsWith("t0 TERM "));
      Instant stopped = Instant.ofEpochMilli(Long.parseLong(signals.get(0).split(" ")[2]));
      long sinceStart = Duration.between(handlerStarted, stopped).toMillis();
      long sinceNewWorker = Duration.between(secondStarted, stopped).toMillis();
      System.out.printf("adopted timeout: stopped %d ms after the handler's own start, %d ms after the new worker"
          + " was started (a timeout counted from the adoption would be at least 5000)%n", sinceStart, sinceNewWorker);
      // The handler notes its start a few ms after it really started (its shell's own start comes first).
      assertThat(sinceStart).isGreaterThanOrEqualTo(4500);
      assertThat(sinceNewWorker).as("not a whole timeout after the adoption").isLessThan(5000);
      ItemRecord item = only(f, "ideas", "t0");
      assertThat(item.attempts()).isEqualTo(1);
      assertThat(attempts(f, item.seq())).singleElement()
          .satisfies(a -> assertThat(a.ending()).isEqualTo(AttemptEnding.TIMEOUT));
      assertThat(result(f, "ideas", "t0").detail()).contains("timed out");
      assertThat(f.runs()).containsExactly("ideas t0 1");
      assertThat(second.stop(Duration.ofSeconds(20))).isZero();
    }
  }

  @Test
  void sighupHandsTheRunningHandlerOverWithExit75AndTheNextWorkerSeesItSucceedOnce() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = patientHandler(f, "8");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("h", 0, 1));
      WorkerProcess first = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> hasLine(startedFile("h0")));

      first.signal("HUP");
      assertThat(first.awaitExit(Duration.ofSeconds(30))).isEqualTo(75);
      assertThat(f.status.read().orElseThrow().state()).isEqualTo("stopped");
      assertThat(only(f, "ideas", "h0").state()).as("left running for the next worker").isEqualTo(ItemState.RUNNING);
      WorkerProcess second = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);

      assertThat(f.runs()).containsExactly("ideas h0 1");
      assertThat(dir.resolve("signals")).as("the handler was never signalled").doesNotExist();
      assertThat(only(f, "ideas", "h0").attempts()).isEqualTo(1);
      assertThat(result(f, "ideas", "h0").durationMs()).isGreaterThanOrEqualTo(8000);
      awaitLogged(() ->
          assertThat(f.workerLog()).contains("item_detached source=ideas id=h0 attempt=1")
              .contains("worker_handed_over exit_code=75")
              .containsAnyOf("item_adopted source=ideas id=h0 attempt=1", // a slow start may find it ended already
                  "item_collected source=ideas id=h0 attempt=1"));
      assertThat(second.stop(Duration.ofSeconds(20))).isZero();
    }
  }

  @Test
  void sighupWithAnInvalidConfigurationChangesNothingAndSaysWhichKeyIsWrong() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = patientHandler(f, "3");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("r", 0, 1));
      WorkerProcess worker = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> hasLine(startedFile("r0")));
      String valid = Files.readString(f.config.file());
      Files.writeString(f.config.file(), valid.replace("pollInterval: 200ms", "pollInterval: 2x"));

      worker.signal("HUP");
      await().atMost(Duration.ofSeconds(20)).until(() -> f.workerLog().contains("reload_refused"));
      awaitLogged(() -> assertThat(f.workerLog()).contains("sources[0].pollInterval"));
      long sequence = f.status.sequence();
      await("the heartbeat goes on").atMost(Duration.ofSeconds(20)).until(() -> f.status.sequence() > sequence);
      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);

      assertThat(worker.isAlive()).isTrue();
      assertThat(f.runs()).containsExactly("ideas r0 1");
      assertThat(dir.resolve("signals")).doesNotExist();
      assertThat(f.workerLog()).doesNotContain("worker_stopping");
      assertThat(worker.stop(Duration.ofSeconds(20))).isZero();
    }
  }

  @Test
  void aHandlerKilledWithItsWorkerCostsNoAttemptAndMaxInterruptionsSetsItsItemAsideSayingWhy() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path pids = dir.resolve("pids");
      Path handler = f.recordingHandler("victim.sh", "echo \"$$ $PPID\" >> '" + pids + "'\nsleep 60\nexit 0");
      f.config.source(TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
          TestConfig.handler(handler, "120s", "1s", ""),
          List.of("retry: { maxAttempts: 1, initialBackoff: 100ms, maxBackoff: 1s, maxInterruptions: 2 }"))).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("x", 0, 1));

      WorkerProcess first = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> lines(pids) == 1 && handlerRecorded(f));
      cutPower(first, Files.readAllLines(pids).get(0));

      WorkerProcess second = f.start();
      await("the interruption was no attempt: with maxAttempts 1 the item runs again")
          .atMost(Duration.ofSeconds(60)).until(() -> lines(pids) == 2 && handlerRecorded(f));
      ItemRecord again = only(f, "ideas", "x0");
      assertThat(again.state()).isEqualTo(ItemState.RUNNING);
      assertThat(again.attempts()).isEqualTo(1);
      assertThat(again.interruptions()).isEqualTo(1);
      cutPower(second, Files.readAllLines(pids).get(1));

      WorkerProcess last = f.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.DEAD) == 1);

      ItemRecord dead = only(f, "ideas", "x0");
      assertThat(dead.interruptions()).isEqualTo(2);
      assertThat(dead.attempts()).as("no interrupted attempt counted").isZero();
      assertThat(dead.lastError()).contains("interrupted 2 times");
      assertThat(attempts(f, dead.seq())).extracting(AttemptRecord::ending)
          .containsExactly(AttemptEnding.INTERRUPTED, AttemptEnding.INTERRUPTED);
      assertThat(f.runs()).containsExactly("ideas x0 1", "ideas x0 1");
      awaitLogged(() -> assertThat(f.workerLog()).contains("item_handler_lost source=ideas id=x0"));
      assertThat(last.stop(Duration.ofSeconds(20))).isZero();
    }
  }
}
