package dev.tended.bench.jmh;

import dev.tended.bench.e2e.WorkerRig;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.ledger.NewItem;
import dev.tended.worker.dispatch.Dispatcher;
import dev.tended.worker.handler.HandlerProcesses;
import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.handler.RunningHandler;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.results.ResultWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * The worker's own path through its real classes, with an in-process handler that ends every attempt
 * at once: the {@link Dispatcher} claims into free slots of a source with {@code concurrency} handler
 * threads, and each attempt writes {@code input.json}, its forced result file and its final ledger
 * transition, as in the worker. Each invocation gets a new data folder, ledger and dispatcher (not
 * timed), records a batch and times until every item is succeeded. Scores are items per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WorkerPathBenchmark {
  /** Items per benchmark invocation. */
  static final int ITEMS = 1_000;
  private static final HandlerStarter ENDS_AT_ONCE = new HandlerStarter() {
    @Override
    public RunningHandler start(HandlerRequest request) {
      return new EndsAtOnce();
    }

    @Override
    public RunningHandler adopt(HandlerRequest request, HandlerRecord recorded) {
      return new EndsAtOnce();
    }
  };

  /** An attempt that has ended by the time it is asked: what is measured is tended alone. */
  private static final class EndsAtOnce implements RunningHandler {
    private final Instant at = Instant.now();

    @Override
    public long pid() {
      return -1;
    }

    @Override
    public HandlerResult awaitResult() {
      return new HandlerResult(HandlerResult.Ending.EXITED, 0, at, at, "", "", "");
    }

    @Override
    public void cancel() {}

    @Override
    public Optional<HandlerProcesses> processes() {
      return Optional.empty();
    }

    @Override
    public void detach() {}
  }

  @Param({"8", "64"})
  public int concurrency;

  private Path dir;
  private ItemLedger ledger;
  private LedgerView view;
  private Dispatcher dispatcher;
  private List<NewItem> batch;

  @Setup(Level.Invocation)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("tended-bench-worker-path-");
    TendedConfig config = ConfigLoader.load(
        WorkerRig.config(dir).addJsonQueue("ideas", "ideas_log.json", "1h", concurrency, Path.of("/bin/true")).write());
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    view = SqliteLedgerStore.at(config.ledgerFile()).openView();
    ProgressBoard progress = new ProgressBoard(System::nanoTime);
    dispatcher = new Dispatcher(config, ledger, ENDS_AT_ONCE, new ResultWriter(config.resultsDir()), progress,
        Clock.systemUTC(), Math::random);
    batch = Fixtures.newItems(0, ITEMS);
    dispatcher.start();
  }

  @TearDown(Level.Invocation)
  public void tearDown() {
    dispatcher.stop(Duration.ofSeconds(10));
    view.close();
    ledger.close();
    Fixtures.delete(dir);
  }

  /** Records the batch as a poll would, nudges the dispatcher, and returns once every item succeeded. */
  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public long recordDispatchRunRecord() {
    ledger.recordSeen("ideas", batch);
    dispatcher.nudge();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    long done;
    while ((done = view.countInState(ItemState.SUCCEEDED)) < ITEMS) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + done + " of " + ITEMS + " items succeeded in 2 minutes");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return done;
  }
}
