package dev.tended.bench.jmh;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.ItemResult;
import dev.tended.worker.results.ResultWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The worker's own path for an item with a handler that takes no time, one item at a time, measured
 * on the same public parts the dispatcher and the attempt runner use, durably ({@code synchronous=FULL}):
 * a poll records a batch as pending, then per item the dispatcher claims it (marks it running) and the
 * attempt runner writes its input, its result file (atomically, forced) and its final transition.
 * Scores are items per second. ({@link LedgerDispatchBenchmark} has the ledger alone, at several
 * concurrencies.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LedgerPathBenchmark {
  /** Items per benchmark invocation. */
  static final int ITEMS = 200;

  private Path dir;
  private TendedConfig config;
  private ItemLedger ledger;
  private ResultWriter results;
  private long round;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("tended-bench-ledger-");
    config = Fixtures.oneQueue(dir);
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    results = new ResultWriter(config.resultsDir());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ledger.close();
    Fixtures.delete(dir);
  }

  /** Ledger, input file and forced result file per item: everything the worker does around a handler. */
  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public int workerPathOneAtATime() throws IOException {
    record();
    int done = 0;
    for (List<ItemRecord> c; !(c = ledger.claimDue("ideas", 1)).isEmpty(); ) {
      ItemRecord item = c.get(0);
      Path work = config.workDir().resolve("ideas").resolve(item.id());
      Files.createDirectories(work);
      Files.writeString(work.resolve("input.json"), item.payload(), StandardCharsets.UTF_8);
      Instant now = Instant.now();
      results.write(new ItemResult("ideas", item.id(), item.contentHash(), "succeeded", item.attempts(), 0, now, now,
          0, null, "", ""));
      ledger.finish(item.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
      done++;
    }
    return done;
  }

  private void record() {
    ledger.recordSeen("ideas", Fixtures.newItems(round++, ITEMS));
  }
}
