package dev.tended.bench.jmh;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.SqliteLedgerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The worker's own path for items whose handler takes no time, at a source's {@code concurrency}:
 * the ledger and the dispatch pattern of the real dispatcher, durably ({@code synchronous=FULL}). A
 * poll records a batch as pending; one dispatching thread claims as many due items as there are free
 * handler slots (one transaction per claim) and hands each to a pool of {@code concurrency} threads,
 * which end it in the ledger at once, so concurrent finishes share a commit as they do in the worker.
 * Scores are items per second. No handler process and no files: those are measured elsewhere.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LedgerDispatchBenchmark {
  /** Items per benchmark invocation. */
  static final int ITEMS = 1_000;

  @Param({"1", "8", "64"})
  public int concurrency;

  private Path dir;
  private ItemLedger ledger;
  private ExecutorService handlers;
  private long round;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("tended-bench-dispatch-");
    TendedConfig config = Fixtures.oneQueue(dir);
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    handlers = Executors.newFixedThreadPool(concurrency);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    handlers.shutdown();
    handlers.awaitTermination(1, TimeUnit.MINUTES);
    ledger.close();
    Fixtures.delete(dir);
  }

  /** Record a batch, then claim into free slots and finish on the handler threads until all are done. */
  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public int claimIntoFreeSlotsFinishConcurrently() throws InterruptedException {
    record();
    Semaphore free = new Semaphore(concurrency);
    int claimedTotal = 0;
    while (true) {
      free.acquire();
      int slots = 1 + free.drainPermits();
      List<ItemRecord> claimed = ledger.claimDue("ideas", slots);
      free.release(slots - claimed.size());
      if (claimed.isEmpty()) {
        break;
      }
      claimedTotal += claimed.size();
      for (ItemRecord item : claimed) {
        handlers.execute(() -> {
          try {
            ledger.finish(item.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
          } finally {
            free.release();
          }
        });
      }
    }
    free.acquire(concurrency); // every handler slot free again: all finished
    free.release(concurrency);
    return claimedTotal;
  }

  private void record() {
    ledger.recordSeen("ideas", Fixtures.newItems(round++, ITEMS));
  }
}
