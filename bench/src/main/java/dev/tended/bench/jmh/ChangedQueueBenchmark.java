package dev.tended.bench.jmh;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.queue.PollOutcome;
import dev.tended.queue.QueueSource;
import dev.tended.worker.source.QueueSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One poll of a 100 000-item queue file that has changed: the whole file is parsed and every item is
 * diffed against the items the previous read offered, so that only the new ones reach the ledger. Before each poll the
 * file is replaced by a version in which every item is already known except one, the common case of
 * a producer appending to a long file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ChangedQueueBenchmark {
  /** Items in the queue file. */
  public static final int ITEMS = 100_000;

  private Path dir;
  private Path file;
  private ItemLedger ledger;
  private QueueSource source;
  private dev.tended.worker.source.SourcePoller poller;
  private int round;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("tended-bench-changed-");
    TendedConfig config = Fixtures.oneQueue(dir);
    file = config.sources().get(0).path();
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    source = QueueSources.create(config.sources().get(0), config.quarantineDir(), Clock.systemUTC());
    ChangedQueue.writeVersion(file, 0);
    poller = Fixtures.poller(config, ledger);
    Fixtures.pollOk(poller);
  }

  /** A new version of the file: the same items, and one changed. */
  @Setup(Level.Invocation)
  public void change() {
    ChangedQueue.writeVersion(file, ++round);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ledger.close();
    Fixtures.delete(dir);
  }

  /**
   * Parse only: the same read, items handed to a sink that drops them. Items are lazy (their
   * canonical JSON and SHA-256 are worked out only when asked for), so this no longer includes that
   * work; {@link #parseAndHashEveryItem} does.
   */
  @Benchmark
  public int parseOnly() throws IOException {
    PollOutcome o = source.poll(batch -> { });
    if (o.itemsOffered() != ITEMS) {
      throw new IllegalStateException("expected " + ITEMS + " items, got " + o);
    }
    return o.itemsOffered();
  }

  /**
   * Parse, and every item asked for its canonical JSON and content hash: what "parse alone" measured
   * before items became lazy, and what the first read of a file of new items pays before the ledger.
   */
  @Benchmark
  public int parseAndHashEveryItem() throws IOException {
    int[] chars = {0};
    PollOutcome o = source.poll(batch -> batch.forEach(i -> chars[0] += i.json().length() + i.contentHash().length()));
    if (o.itemsOffered() != ITEMS) {
      throw new IllegalStateException("expected " + ITEMS + " items, got " + o);
    }
    return chars[0];
  }

  /** Parse and diff through the worker's poller: only the one new item reaches the ledger. */
  @Benchmark
  public void pollChanged() {
    Fixtures.pollOk(poller);
  }
}
