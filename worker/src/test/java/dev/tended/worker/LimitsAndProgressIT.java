package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests 6 and 7 on the real worker jar: a handler tree over {@code handler.limits} is
 * stopped with the limit and the measured value named, while the worker beats on; a handler that
 * shows no progress for {@code handler.progressTimeout} is stopped long before its timeout, and one
 * that touches {@code $TENDED_PROGRESS_FILE} or writes output runs to its end.
 *
 * <p>The over-limit handlers ignore SIGTERM (as the processes they start do, inheriting it), so they
 * run on through a long kill grace after the worker decided to stop them: that is when the test
 * watches the worker's heartbeat.
 */
class LimitsAndProgressIT {
  private static final Duration LONG = Duration.ofSeconds(60);
  /** Long enough for several beats (300 ms apart) while an over-limit tree still runs. */
  private static final String KILL_GRACE = "10s";

  @TempDir Path dir;
  private final List<Long> handlerGroups = new ArrayList<>();

  @AfterEach
  void killWhatATestLeft() {
    for (long pgid : handlerGroups) {
      for (int round = 0; round < 20 && !group(pgid).isEmpty(); round++) {
        group(pgid).forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
      }
    }
  }

  @Test
  void aHandlerAllocatingFarMoreThanItsMemoryLimitIsStoppedWithTheLimitNamedWhileTheWorkerBeatsOn() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("hog.sh", """
          echo $$ > hog.pid
          trap '' TERM
          exec perl -e '$x = "a" x (400*1024*1024); sleep 60'
          """);
      WorkerProcess worker = startWithLimits(f, handler, "{ memory: 64MiB }", "hog");

      long hog = awaitPid(f, "hog.pid");
      await().atMost(LONG).until(() -> ProcFs.residentKiB(hog).orElse(0) > 64 * 1024);
      assertWorkerBeatsWhile(f, worker, hog);

      ItemRecord item = awaitDead(f);
      assertThat(item.lastError()).matches("memory limit exceeded: \\d+\\.\\d MiB resident over 64\\.0 MiB; .*")
          .contains("(SIGKILL after 10s)");
      assertThat(ProcFs.running(hog)).isFalse();
      assertOnlyTheItemWentWrong(f);
      assertThat(f.status.read().orElseThrow().pid()).isEqualTo(worker.pid());
    }
  }

  @Test
  void aForkLoopIsStoppedAtItsProcessLimitWhileTheWorkerBeatsOn() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      // Bounded by count, so that a broken limit cannot flood the machine; far past the limit all the same.
      Path handler = f.config.script("forks.sh", """
          echo $$ > forks.pid
          trap '' TERM
          i=0
          while [ $i -lt 600 ]; do sleep 60 & i=$((i+1)); done
          wait
          """);
      WorkerProcess worker = startWithLimits(f, handler, "{ processes: 64 }", "forks");

      long loop = awaitPid(f, "forks.pid");
      await().atMost(LONG).until(() -> group(loop).size() > 64);
      assertWorkerBeatsWhile(f, worker, loop);

      ItemRecord item = awaitDead(f);
      assertThat(item.lastError()).matches("process limit exceeded: \\d+ processes over 64; .*")
          .contains("(SIGKILL after 10s)");
      await().atMost(LONG).until(() -> group(loop).isEmpty());
      assertOnlyTheItemWentWrong(f);
      assertThat(f.status.read().orElseThrow().pid()).isEqualTo(worker.pid());
    }
  }

  /**
   * The kernel's OOM killer for real: the worker is moved into a memory cgroup of 256 MiB (skipped
   * where the test may not make one), the handler asks to be the killer's first choice and takes
   * 600 MiB. Its attempt is charged, and the item's record says who killed it.
   */
  @Test
  void aHandlerTheKernelsOomKillerKilledIsChargedWithTheKillerNamed() throws Exception {
    Optional<MemoryCgroup> made = MemoryCgroup.create(256L * 1024 * 1024);
    assumeTrue(made.isPresent(), "needs a memory cgroup the test may make (root, cgroup v2 delegation or v1)");
    try (MemoryCgroup cgroup = made.get(); WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("oom.sh", """
          echo $$ > oom.pid
          echo 1000 > /proc/self/oom_score_adj
          exec perl -e '$x = "a" x (600*1024*1024); sleep 60'
          """);
      f.config.source(source(handler, "60s", "")).write();
      WorkerProcess worker = f.start();
      f.awaitBeatFrom(worker);
      cgroup.add(worker.pid());
      Queues.replaceAtomically(queue(f), ids("oom"));

      awaitPid(f, "oom.pid");
      ItemRecord item = awaitDead(f);
      assertThat(item.lastExitCode()).isEqualTo(137);
      assertThat(item.lastError()).startsWith("exit 137 (SIGKILL): killed by the kernel's OOM killer (1 OOM kill in the"
          + " worker's cgroup during the attempt, ");
      assertThat(worker.isAlive()).isTrue();
      worker.stop(LONG);
    }
  }

  @Test
  void aSilentHandlerEndsNoProgressLongBeforeItsTimeout() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("silent.sh", "exec sleep 60\n");
      f.config.source(source(handler, "60s", ", progressTimeout: 2s")).write();
      Queues.replaceAtomically(queue(f), ids("silent"));
      f.start();

      ItemRecord item = awaitDead(f);
      assertThat(item.lastError()).startsWith("no progress for 2s");
      assertThat(Duration.between(item.lastStartedAt(), item.lastFinishedAt())).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void handlersThatTouchTheirProgressFileOrWriteOutputRunPastTheProgressTimeoutToSuccess() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("steady.sh", """
          [ -f "$TENDED_PROGRESS_FILE" ] && [ ! -s "$TENDED_PROGRESS_FILE" ] || exit 3
          i=0
          while [ $i -lt 10 ]; do
            case "$TENDED_ITEM_ID" in
              toucher) touch "$TENDED_PROGRESS_FILE" ;;
              talker) echo "step $i" ;;
            esac
            sleep 0.5
            i=$((i+1))
          done
          """);
      f.config.source(TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
          TestConfig.handler(handler, "60s", "500ms", ", progressTimeout: 2s"),
          List.of("concurrency: 2", "retry: { maxAttempts: 1, initialBackoff: 100ms, maxBackoff: 1s }"))).write();
      Queues.replaceAtomically(queue(f), ids("toucher", "talker"));
      f.start();

      await().atMost(LONG).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED)
          + f.counts("ideas").get(ItemState.DEAD) == 2);
      List<ItemRecord> succeeded = f.withLedger(l -> l.inState("ideas", ItemState.SUCCEEDED));
      assertThat(succeeded).extracting(ItemRecord::id).containsExactlyInAnyOrder("toucher", "talker");
      assertThat(succeeded).allSatisfy(i -> assertThat(Duration.between(i.lastStartedAt(), i.lastFinishedAt()))
          .isGreaterThan(Duration.ofSeconds(4)));
    }
  }

  /** Starts a worker with one item, {@code id}, whose handler has {@code limits} and a long kill grace. */
  private static WorkerProcess startWithLimits(WorkerFixture f, Path handler, String limits, String id)
      throws IOException {
    // stopGrace bounds the kill grace (a quarter of it at most).
    f.config.supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 60s }")
        .source(source(handler, "60s", ", limits: " + limits)).write();
    Queues.replaceAtomically(queue(f), ids(id));
    return f.start();
  }

  /**
   * While the process {@code pid} runs, the worker's status file (written by the same worker) is
   * rewritten three more times.
   */
  private void assertWorkerBeatsWhile(WorkerFixture f, WorkerProcess worker, long pid) {
    long before = f.status.sequence();
    await().atMost(LONG).until(() -> f.status.sequence() >= before + 3);
    assertThat(ProcFs.running(pid)).as("the handler still runs after three beats").isTrue();
    assertThat(f.status.read().orElseThrow().pid()).isEqualTo(worker.pid());
    assertThat(worker.isAlive()).isTrue();
  }

  /** Nothing of the worker went wrong but the item: no error in its log other than the item's death. */
  private static void assertOnlyTheItemWentWrong(WorkerFixture f) throws IOException {
    assertThat(f.workerLog().lines().filter(l -> l.contains(" ERROR ") && !l.contains(" item_dead "))).isEmpty();
  }

  private long awaitPid(WorkerFixture f, String name) throws IOException {
    Path file = f.config.dataDir().resolve(name);
    await().atMost(LONG).until(() -> Files.exists(file) && Files.readString(file).endsWith("\n"));
    long pid = Long.parseLong(Files.readString(file).strip());
    handlerGroups.add(pid);
    return pid;
  }

  private static ItemRecord awaitDead(WorkerFixture f) {
    await().atMost(LONG).until(() -> f.counts("ideas").get(ItemState.DEAD) == 1);
    return f.withLedger(l -> l.inState("ideas", ItemState.DEAD)).get(0);
  }

  /** The running processes of the process group {@code pgid}. */
  private static List<ProcStat> group(long pgid) {
    return ProcFs.table().all().stream().filter(p -> p.pgrp() == pgid && p.running()).toList();
  }

  private static String source(Path handler, String timeout, String more) {
    return TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
        TestConfig.handler(handler, timeout, KILL_GRACE, more),
        List.of("retry: { maxAttempts: 1, initialBackoff: 100ms, maxBackoff: 1s }"));
  }

  private static Path queue(WorkerFixture f) {
    return f.config.dataDir().resolve("ideas_log.json");
  }

  private static String ids(String... ids) {
    return Stream.of(ids).map(id -> "{\"id\": \"" + id + "\"}").collect(Collectors.joining(", ", "[", "]\n"));
  }
}
