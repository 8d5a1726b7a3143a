package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashRecoveryIT {
  @TempDir Path dir;

  @Test
  void killMinusNineWhileHandlersRunLosesNothingAndNeverRerunsAFinishedItem() throws Exception {
    int items = 60;
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("slow.sh", "sleep 0.1");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "    concurrency: 3")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, items));

      Set<String> finishedBeforeACrash = new HashSet<>();
      int interruptedRuns = 0;
      for (int crash = 1; crash <= 3; crash++) {
        WorkerProcess worker = f.start();
        int target = crash * 12;
        await().atMost(Duration.ofSeconds(60)).until(() -> f.resultCount("ideas") >= target);
        worker.signal("KILL");
        worker.awaitExit(Duration.ofSeconds(10));
        List<ItemRecord> running = f.withLedger(l -> l.inState("ideas", ItemState.RUNNING));
        interruptedRuns += running.size();
        finishedBeforeACrash.addAll(f.withLedger(l -> l.inState("ideas", ItemState.SUCCEEDED)).stream()
            .map(ItemRecord::id).collect(Collectors.toSet()));
      }
      int runsBeforeLastStart = f.runs().size();

      WorkerProcess last = f.start();
      await().atMost(Duration.ofSeconds(90)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == items);

      assertThat(f.counts("ideas")).containsEntry(ItemState.PENDING, 0L).containsEntry(ItemState.RUNNING, 0L)
          .containsEntry(ItemState.DEAD, 0L);
      assertThat(f.resultCount("ideas")).isEqualTo(items);
      List<String> rerunIds = f.runs().subList(runsBeforeLastStart, f.runs().size()).stream()
          .map(line -> line.split(" ")[1]).toList();
      assertThat(rerunIds).doesNotContainAnyElementsOf(finishedBeforeACrash);
      Set<String> everyRunId = f.runs().stream().map(line -> line.split(" ")[1]).collect(Collectors.toSet());
      assertThat(everyRunId).hasSize(items);
      System.out.printf("crash test: %d items, %d runs in all, %d attempts interrupted by kill -9%n",
          items, f.runs().size(), interruptedRuns);
      assertThat(f.runs().size()).isLessThanOrEqualTo(items + interruptedRuns);
      awaitLogged(() -> assertThat(f.workerLog()).contains("items_adopted"));
      last.signal("TERM");
      assertThat(last.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }
}
