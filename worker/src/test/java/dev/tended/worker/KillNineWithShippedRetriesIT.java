package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The measurement that opened issue 12, as a test: six {@code kill -9}s of a worker running 150 ideas
 * with {@code maxAttempts: 3} used to leave innocent ideas dead. With handlers adopted by the next
 * worker, every idea succeeds, and no handler runs again for an idea after it finished.
 */
class KillNineWithShippedRetriesIT {
  private static final int ITEMS = 150;
  private static final int KILLS = 6;
  private static final Pattern ADOPTED = Pattern.compile("items_adopted adopted=(\\d+) collected=(\\d+)"
      + " interrupted=(\\d+) handed_back=(\\d+)");

  @TempDir Path dir;

  @Test
  void sixKillsOfAWorkerRunning150IdeasWithMaxAttempts3LoseNoneAndRunNoneAgainAfterItFinished() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path log = dir.resolve("handler.log");
      Path handler = f.config.script("idea.sh", "echo \"start $TENDED_ITEM_ID\" >> '" + log + "'\n"
          + "sleep 0.3\n"
          + "echo \"finish $TENDED_ITEM_ID\" >> '" + log + "'\n"
          + "exit 0");
      f.config.source(TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
          TestConfig.handler(handler, "30s", "1s", ""),
          List.of("concurrency: 3", "retry: { maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s }"))).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, ITEMS));

      // Each kill comes once the handlers have finished a random number of ideas more.
      List<Integer> killAt = new ArrayList<>();
      for (int k = 0; k < KILLS; k++) {
        killAt.add(ThreadLocalRandom.current().nextInt(5, ITEMS - 10));
      }
      killAt.sort(null);
      for (int target : killAt) {
        WorkerProcess worker = f.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> finishes(log) >= target);
        worker.signal("KILL");
        worker.awaitExit(Duration.ofSeconds(20));
      }
      WorkerProcess last = f.start();
      await().atMost(Duration.ofSeconds(180)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == ITEMS);

      assertThat(f.counts("ideas")).containsEntry(ItemState.DEAD, 0L).containsEntry(ItemState.FAILED, 0L)
          .containsEntry(ItemState.PENDING, 0L).containsEntry(ItemState.RUNNING, 0L);
      List<String> lines = Files.readAllLines(log);
      Set<String> finished = new HashSet<>();
      List<String> startedAfterFinishing = new ArrayList<>();
      Map<String, Integer> starts = new HashMap<>();
      for (String line : lines) {
        String[] parts = line.split(" ");
        if (parts[0].equals("start")) {
          starts.merge(parts[1], 1, Integer::sum);
          if (finished.contains(parts[1])) {
            startedAfterFinishing.add(parts[1]);
          }
        } else {
          finished.add(parts[1]);
        }
      }
      assertThat(startedAfterFinishing).as("handlers run again after they had finished").isEmpty();
      assertThat(finished).hasSize(ITEMS);
      int[] found = new int[4];
      Matcher m = ADOPTED.matcher(f.workerLog());
      while (m.find()) {
        for (int i = 0; i < 4; i++) {
          found[i] += Integer.parseInt(m.group(i + 1));
        }
      }
      long rerun = starts.values().stream().filter(n -> n > 1).count();
      System.out.printf("kill -9 x%d, %d ideas, maxAttempts 3: %d succeeded, %d handler runs; at the starts:"
          + " %d adopted, %d collected, %d interrupted, %d handed back; ideas started more than once: %d%n",
          KILLS, ITEMS, f.counts("ideas").get(ItemState.SUCCEEDED), starts.values().stream().mapToInt(n -> n).sum(),
          found[0], found[1], found[2], found[3], rerun);
      assertThat(found[0] + found[1]).as("kills landed while handlers ran, and they were taken over").isPositive();
      assertThat(last.stop(Duration.ofSeconds(20))).isZero();
    }
  }

  private static long finishes(Path log) throws java.io.IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    return Files.readAllLines(log).stream().filter(l -> l.startsWith("finish ")).count();
  }
}
