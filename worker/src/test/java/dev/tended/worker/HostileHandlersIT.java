package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handlers that try to outlive their item (daemons, double forks in the kill grace, a fork storm)
 * or to fill the disk with output, run by the real worker jar: nothing carrying an attempt's marker
 * is left once its item finished or the worker stopped, and output files never pass
 * {@code maxOutput}.
 */
class HostileHandlersIT {
  private static final String MARKER = "TENDED_ATTEMPT_TOKEN=";

  @TempDir Path dir;
  private final List<Path> tokenFiles = new ArrayList<>();

  @AfterEach
  void killWhatATestLeft() throws IOException {
    for (String token : tokens()) {
      for (int round = 0; round < 20 && !runningWithMarker(token).isEmpty(); round++) {
        runningWithMarker(token).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      }
    }
  }

  @Test
  void handlersThatDaemonizeOrIgnoreSigtermLeaveNothingOnceTheirItemsFinish() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("escape.sh", markerLine() + """
          case "$TENDED_ITEM_ID" in
            daemon) setsid -f sh -c 'exec sleep 1000'; exit 0 ;;
            nohup) nohup sleep 1000 > /dev/null 2>&1 & exit 0 ;;
            doublefork)
              trap '(setsid sh -c "trap \\"\\" TERM; exec sleep 1000" &); sleep 0.2; exit 0' TERM
              while :; do sleep 1; done ;;
            stubborn)
              setsid -f sh -c 'trap "" TERM; while :; do sleep 1; done'
              trap '' TERM
              while :; do sleep 1; done ;;
          esac
          """);
      f.config.source(source(handler, "2s", "")).write();
      Queues.replaceAtomically(queue(f), ids("daemon", "nohup", "doublefork", "stubborn"));
      f.start();

      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 2
          && f.counts("ideas").get(ItemState.DEAD) == 2);
      assertThat(tokens()).hasSize(4).allSatisfy(t -> assertThat(runningWithMarker(t)).as("marker %s", t).isEmpty());
    }
  }

  @Test
  void aHandlerRunningWhenTheWorkerStopsLeavesNothingBehind() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("long.sh", markerLine() + """
          setsid -f sh -c 'trap "" TERM; echo $$ > daemon.pid; while :; do sleep 1; done'
          nohup sh -c 'echo $$ > nohup.pid; exec sleep 1000' > /dev/null 2>&1 &
          trap '' TERM
          while :; do sleep 1; done
          """);
      f.config.source(source(handler, "5m", "")).write();
      Queues.replaceAtomically(queue(f), ids("long"));
      WorkerProcess worker = f.start();
      Path daemonPid = f.config.dataDir().resolve("daemon.pid");
      Path nohupPid = f.config.dataDir().resolve("nohup.pid");
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(daemonPid) && Files.exists(nohupPid)
          && Files.size(daemonPid) > 1 && Files.size(nohupPid) > 1);

      assertThat(worker.stop(Duration.ofSeconds(30))).isZero();
      for (Path pid : List.of(daemonPid, nohupPid)) {
        assertThat(ProcFs.running(Long.parseLong(Files.readString(pid).strip()))).as("%s", pid).isFalse();
      }
      assertThat(tokens()).hasSize(1).allSatisfy(t -> assertThat(runningWithMarker(t)).isEmpty());
    }
  }

  /**
   * A bounded fork storm (five spawners starting 60 daemons each as fast as they can, still at it
   * when the timeout stops them) leaves nothing, and the item after it runs and succeeds. Bounded by
   * count, not by {@code ulimit -u}: root is exempt from RLIMIT_NPROC.
   */
  @Test
  void aForkStormLeavesNothingAndTheNextItemSucceeds() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("storm.sh", markerLine() + """
          [ "$TENDED_ITEM_ID" = next ] && exit 0
          for k in 1 2 3 4 5; do
            setsid -f sh -c 'i=0; while [ $i -lt 60 ]; do setsid -f sleep 1000; i=$((i+1)); done'
          done
          while :; do sleep 1; done
          """);
      f.config.source(source(handler, "1s", "")).write();
      Queues.replaceAtomically(queue(f), ids("storm", "next"));
      f.start();

      await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      ItemRecord next = f.withLedger(l -> l.inState("ideas", ItemState.SUCCEEDED)).get(0);
      assertThat(next.id()).isEqualTo("next");
      assertThat(next.attempts()).isEqualTo(1);
      assertThat(f.counts("ideas").get(ItemState.DEAD)).isEqualTo(1);
      assertThat(tokens()).hasSize(2).allSatisfy(t -> assertThat(runningWithMarker(t)).isEmpty());
    }
  }

  @Test
  void outputWrittenAsFastAsPossibleNeverPassesMaxOutputAndItsTailIsKept() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("loud.sh", """
          yes | head -c 268435456
          echo last-line
          yes | head -c 67108864 >&2
          exit 0
          """);
      f.config.source(source(handler, "2m", ", maxOutput: 64KiB")).write();
      Queues.replaceAtomically(queue(f), ids("loud"));
      AtomicBoolean sampling = new AtomicBoolean(true);
      AtomicLong largest = new AtomicLong();
      AtomicLong samples = new AtomicLong();
      Path work = f.config.dataDir().resolve("work");
      Thread sampler = new Thread(() -> {
        while (sampling.get()) {
          largest.accumulateAndGet(largestOutputFile(work), Math::max);
          samples.incrementAndGet();
        }
      }, "test-output-sampler");
      sampler.start();
      try {
        f.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      } finally {
        sampling.set(false);
        sampler.join();
      }

      assertThat(samples.get()).isPositive();
      assertThat(largest.get()).as("largest output file seen while it ran").isPositive().isLessThanOrEqualTo(65536);
      assertThat(largestOutputFile(work)).isLessThanOrEqualTo(65536);
      String result = Files.readString(f.config.dataDir().resolve("results/ideas/loud.json"));
      assertThat(result).contains("y\\ny\\nlast-line\\n");
    }
  }

  private static String markerLine() {
    return "echo \"$TENDED_ATTEMPT_TOKEN\" > \"token-$TENDED_ITEM_ID\"\n"; // the working directory is dataDir
  }

  private String source(Path handler, String timeout, String more) {
    return TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
        TestConfig.handler(handler, timeout, "500ms", more),
        List.of("retry: { maxAttempts: 1, initialBackoff: 100ms, maxBackoff: 1s }"));
  }

  private static Path queue(WorkerFixture f) {
    return f.config.dataDir().resolve("ideas_log.json");
  }

  private static String ids(String... ids) {
    return Stream.of(ids).map(id -> "{\"id\": \"" + id + "\"}").collect(Collectors.joining(", ", "[", "]\n"));
  }

  /** The markers the handlers wrote, one per attempt (in the data folder, beside the queue). */
  private List<String> tokens() throws IOException {
    Path data = dir.resolve("data");
    if (!Files.isDirectory(data)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(data)) {
      List<String> out = new ArrayList<>();
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("token-")).toList()) {
        String t = Files.readString(p).strip();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
      return out;
    }
  }

  private static List<Long> runningWithMarker(String token) {
    return ProcFs.table().all().stream().filter(p -> p.running() && ProcFs.environmentHolds(p.pid(), MARKER + token).orElse(false))
        .map(ProcStat::pid).toList();
  }

  private static long largestOutputFile(Path work) {
    if (!Files.isDirectory(work)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(p -> p.getFileName().toString().matches("attempt-\\d+\\.std(out|err)"))
          .mapToLong(p -> {
            try {
              return Files.size(p);
            } catch (IOException e) {
              return 0;
            }
          }).max().orElse(0);
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }
}
