package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.AttemptStats;
import dev.tended.ledger.IdentityRecord;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, T1: items through the real worker with a short retention ({@code finishedFor: 2s},
 * {@code pruneEvery: 1s}). The part of the data folder retention governs (ledger files, results, work
 * folders) stops growing and shrinks back once pruned; rewriting the queue file with the same items
 * runs none of them again; a retried dead item is not pruned while it runs. The item count is
 * {@code -Dtended.retentionIT.items}, half in each of two waves: 4 000 by default, which keeps the test
 * within three minutes on a loaded 2-core machine (the 20 000 take about five there; run them
 * with {@code -Dtended.retentionIT.items=20000}).
 */
class RetentionIT {
  private static final int ITEMS = Integer.getInteger("tended.retentionIT.items", 4_000);
  /** How long a wave may go without an item finishing or being pruned before the test gives up. */
  private static final Duration STALL = Duration.ofSeconds(60);
  /** Each attempt leaves 16 KiB of stdout in its work folder: what retention has to give back. */
  private static final int OUTPUT_BYTES = 16 * 1024;

  @TempDir Path dir;

  @Test
  void theDataFolderStopsGrowingAndShrinksBackIdenticalContentNeverRunsAgainAndARetriedItemIsKeptWhileItRuns()
      throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir);
        Sampler sizes = new Sampler(f.config.dataDir())) {
      Path started = dir.resolve("slow.started");
      Path release = dir.resolve("slow.release");
      Path trivial = f.config.script("trivial.sh", "head -c " + OUTPUT_BYTES + " /dev/zero\nexit 0");
      Path slow = f.config.script("slow.sh", "touch '" + started + "'\nwhile [ ! -e '" + release
          + "' ]; do sleep 0.1; done\nexit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", trivial, "    concurrency: 8\n"))
          .source(TestConfig.source("json-queue", "slow", "slow_log.json", "200ms",
              TestConfig.handler(slow, "10m", "1s", ""), List.of()))
          .extra("retention: { finishedFor: 2s, deadFor: 1h, pruneEvery: 1s }\n").write();
      Path ledgerFile = f.config.dataDir().resolve("ledger.db");
      // An item that died two hours ago (past deadFor), retried by the operator before the worker starts.
      try (ItemLedger old = SqliteLedgerStore.at(ledgerFile)
          .openItemLedger(Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))) {
        old.recordSeen("slow", List.of(new NewItem("d1", "hash-d1", "{\"id\":\"d1\"}")));
        ItemRecord r = old.claimDue("slow", 1).get(0);
        old.finish(r.seq(), ItemState.DEAD, AttemptEnding.EXITED, 3, "exit 3", null);
      }
      try (ItemLedger now = SqliteLedgerStore.at(ledgerFile).openItemLedger(Clock.systemUTC())) {
        assertThat(now.retryDead("slow", "d1", "retried by an operator")).isPresent();
      }
      int half = ITEMS / 2;
      Path queue = f.config.dataDir().resolve("ideas_log.json");
      Queues.replaceAtomically(queue, lines(0, half));
      WorkerProcess first = f.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started));

      // Wave 1: the items run, and are pruned 2 s after they finished.
      awaitWhileMoving(() -> exited(f, "ideas") == half && f.counts("ideas").get(ItemState.SUCCEEDED) == 0,
          () -> List.of(exited(f, "ideas"), f.counts("ideas").get(ItemState.SUCCEEDED)));
      long peak1 = sizes.peak();
      long after1 = settled(sizes);

      long pruneRuns = count(f.workerLog(), "retention_pruned ");
      assertThat(pruneRuns).as("the pruner ran while d1 was running").isGreaterThanOrEqualTo(2);
      List<ItemRecord> d1 = f.withLedger(l -> l.versions("slow", "d1"));
      assertThat(d1).singleElement()
          .satisfies(v -> assertThat(v.state()).isEqualTo(ItemState.RUNNING));
      Files.createFile(release);
      await().atMost(Duration.ofSeconds(30)).until(() -> exited(f, "slow") == 2); // the attempt before its death, this one

      // Wave 2: a new worker (it knows the items of wave 1 only from the ledger, as identity records),
      // and the queue file rewritten with every item of wave 1 again, then new ones.
      first.signal("TERM");
      await().atMost(Duration.ofSeconds(30)).until(() -> !first.isAlive());
      f.awaitBeatFrom(f.start());
      sizes.reset();
      Queues.replaceAtomically(queue, lines(0, ITEMS));
      awaitWhileMoving(() -> exited(f, "ideas") >= ITEMS && f.counts("ideas").get(ItemState.SUCCEEDED) == 0,
          () -> List.of(exited(f, "ideas"), f.counts("ideas").get(ItemState.SUCCEEDED)));
      long peak2 = sizes.peak();
      long after2 = settled(sizes);

      assertThat(exited(f, "ideas")).as("the rewritten items of wave 1 ran none again").isEqualTo(ITEMS);
      assertThat(f.counts("ideas").get(ItemState.PENDING) + f.counts("ideas").get(ItemState.RUNNING)).isZero();
      System.out.printf("retention IT: %d items; wave 1 peak %d B, after pruning %d B; wave 2 peak %d B,"
          + " after pruning %d B; %d prune runs logged%n", ITEMS, peak1, after1, peak2, after2,
          count(f.workerLog(), "retention_pruned "));
      long whole = (long) half * OUTPUT_BYTES;
      assertThat(peak2).as("stops growing: wave 2 peaks no higher than wave 1 (%d items whole would be %d B)", half,
          whole).isLessThan(peak1 * 3 / 2 + (4L << 20));
      // Shrinks back: below its peak, and to a small part of what the wave wrote. Not "below half the peak":
      // on a busy machine the pruner keeps up with the wave, so the peak is low and the ledger's WAL alone
      // (up to 4 MiB before a checkpoint) is more than half of it (seen: peak 8.9 MB, after 4.8 MB, of 32 MiB written).
      assertThat(after1).as("shrinks back after wave 1 (%d B written)", whole).isLessThan(peak1).isLessThan(whole / 4);
      assertThat(after2).as("shrinks back after wave 2 (%d B written)", whole).isLessThan(peak2).isLessThan(whole / 4);
      assertThat(after2).as("what wave 2 leaves: its identity records").isLessThan(after1 + (long) half * 400 + (4L << 20));
      List<IdentityRecord> pruned = f.withLedger(l -> l.identities("slow", "d1"));
      assertThat(pruned).as("d1 pruned once it succeeded").hasSize(1);
    }
  }

  /**
   * Waits for {@code done} for as long as {@code progress} keeps changing (items finishing, items
   * pruned): gives up only after {@link #STALL} without a change, so the wait scales with the item
   * count and the machine instead of a fixed deadline (a fixed 150 s was too short for 20 000 items).
   */
  private static void awaitWhileMoving(Callable<Boolean> done, Callable<Object> progress) throws Exception {
    Object[] last = {progress.call()};
    while (!done.call()) {
      await().atMost(STALL).pollInterval(Duration.ofMillis(500)).until(() -> {
        if (done.call()) {
          return true;
        }
        Object now = progress.call();
        boolean moved = !now.equals(last[0]);
        last[0] = now;
        return moved;
      });
    }
  }

  /** The size once the pruner has given the space back: the smallest of the samples over three prune runs. */
  private static long settled(Sampler sizes) {
    long[] low = {Long.MAX_VALUE};
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
      low[0] = Math.min(low[0], sizes.now());
      return System.nanoTime() >= until;
    });
    return low[0];
  }

  private static long exited(WorkerFixture f, String source) {
    AttemptStats s = f.withLedger(l -> l.attemptStats()).get(source);
    return s == null ? 0 : s.endings().get(AttemptEnding.EXITED);
  }

  private static long count(String log, String event) {
    return log.lines().filter(l -> l.contains(event)).count();
  }

  private static String lines(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append("{\"id\": \"i").append(i).append("\", \"text\": \"item ").append(i).append("\"}\n");
    }
    return b.toString();
  }

  /**
   * Samples, every 500 ms, the bytes on disk of what retention governs in the data folder: the ledger
   * and its WAL, {@code results/} and {@code work/} (not {@code logs/}: the log has its own rotation).
   */
  private static final class Sampler implements AutoCloseable {
    private final Path data;
    private final AtomicLong peak = new AtomicLong();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

    Sampler(Path data) {
      this.data = data;
      thread.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
    }

    /** One sample; a failed one (the folder not made yet) is skipped, never the end of the sampling. */
    private void sample() {
      try {
        peak.accumulateAndGet(now(), Math::max);
      } catch (RuntimeException skipped) {
        // the next sample counts
      }
    }

    long peak() {
      return peak.get();
    }

    void reset() {
      peak.set(0);
    }

    long now() {
      try {
        Process du = new ProcessBuilder(Stream.concat(Stream.of("du", "-s", "-B1", "-c"),
            Stream.of("ledger.db", "ledger.db-wal", "results", "work").filter(p -> Files.exists(data.resolve(p))))
            .toList()).directory(data.toFile()).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes());
        du.waitFor();
        String last = out.lines().filter(l -> l.endsWith("total")).findFirst().orElse("0\ttotal");
        return Long.parseLong(last.split("\\s+")[0]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      } catch (NumberFormatException vanished) {
        return 0; // a file went while du read it: the next sample counts
      }
    }

    @Override
    public void close() {
      thread.shutdownNow();
    }
  }
}
