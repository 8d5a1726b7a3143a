package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tended.config.ConfigLoader;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.TestConfig;
import dev.tended.worker.handler.HandlerProcesses;
import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.HandlerResult.Ending;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.handler.RunningHandler;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.results.ResultWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link AttemptRunner} records each way a handler can end, with a real ledger file and real result
 * files, and a starter that hands back the results a test scripted (the handler's own behaviour is
 * tested with real processes elsewhere).
 */
@Timeout(120)
class AttemptRunnerEndingsTest {
  @TempDir java.nio.file.Path dir;
  private ItemLedger ledger;
  private LedgerView view;
  private TendedConfig config;
  private final Deque<HandlerResult> scripted = new ArrayDeque<>();
  private AttemptRunner runner;

  @BeforeEach
  void setUp() throws Exception {
    TestConfig c = new TestConfig(dir);
    java.nio.file.Path handler = c.script("handler.sh", "exit 0");
    c.source(TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
        TestConfig.handler(handler, "20s", "1s", ""),
        List.of("retry: { maxAttempts: 3, initialBackoff: 1h, maxBackoff: 1h, maxInterruptions: 2 }"))).write();
    config = ConfigLoader.load(c.file());
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    view = SqliteLedgerStore.at(config.ledgerFile()).openView();
    HandlerStarter starter = new HandlerStarter() {
      @Override
      public RunningHandler start(HandlerRequest request) {
        return done(scripted.removeFirst());
      }

      @Override
      public RunningHandler adopt(HandlerRequest request, HandlerRecord recorded) {
        return done(scripted.removeFirst());
      }
    };
    runner = new AttemptRunner(config, ledger, starter, new ResultWriter(config.resultsDir()), Clock.systemUTC(),
        () -> ActiveHandlers.Leaving.NO, new ProgressBoard(System::nanoTime));
  }

  @AfterEach
  void close() {
    view.close();
    ledger.close();
  }

  private static RunningHandler done(HandlerResult result) {
    return new RunningHandler() {
      @Override
      public long pid() {
        return 1;
      }

      @Override
      public HandlerResult awaitResult() {
        return result;
      }

      @Override
      public void cancel() {}

      @Override
      public Optional<HandlerProcesses> processes() {
        return Optional.empty();
      }

      @Override
      public void detach() {}
    };
  }

  private static HandlerResult ended(Ending ending, int exitCode, String detail) {
    Instant at = Instant.now();
    return new HandlerResult(ending, exitCode, at.minusMillis(1500), at, "", "", detail);
  }

  private SourceConfig source() {
    return config.sources().get(0);
  }

  private ItemRecord claim() {
    List<ItemRecord> claimed = ledger.claimDue("ideas", 1);
    assertThat(claimed).hasSize(1);
    return claimed.get(0);
  }

  private AttemptRunner.Ended runOnce(HandlerResult result) {
    scripted.add(result);
    return runner.run(source(), new Backoff(source().retry(), () -> 0.5), claim(), why -> {
      throw new AssertionError(why); // recording would retry for ever: fail now, saying why
    });
  }

  private ItemRecord theItem() {
    return view.versions("ideas", "a").get(0);
  }

  @Test
  void anInterruptedAttemptIsNotCountedAndTheItemIsPendingFirstInLine() {
    ledger.recordSeen("ideas", List.of(new NewItem("a", "h1", "{}"), new NewItem("b", "h2", "{}")));
    AttemptRunner.Ended ended = runOnce(ended(Ending.INTERRUPTED, -1, "its handler died with its worker"));
    assertThat(ended.kind()).isEqualTo(Completion.Kind.NEUTRAL);
    assertThat(theItem()).extracting(ItemRecord::state, ItemRecord::attempts, ItemRecord::interruptions)
        .containsExactly(ItemState.PENDING, 0, 1);
    assertThat(view.attempts(theItem().seq())).extracting(AttemptRecord::ending)
        .containsExactly(AttemptEnding.INTERRUPTED);
    assertThat(claim().id()).isEqualTo("a");
  }

  @Test
  void anItemInterruptedMaxInterruptionsTimesIsDeadWithAResultFileThatSaysSo() throws Exception {
    ledger.recordSeen("ideas", List.of(new NewItem("a", "h1", "{}")));
    runOnce(ended(Ending.INTERRUPTED, -1, "its handler died with its worker"));
    runOnce(ended(Ending.INTERRUPTED, -1, "its handler died with its worker"));
    assertThat(theItem().state()).isEqualTo(ItemState.DEAD);
    assertThat(theItem().lastError()).startsWith("interrupted 2 times");
    ItemResult result = StatusFiles.mapper().readValue(
        new ResultWriter(config.resultsDir()).fileFor("ideas", "a").toFile(), ItemResult.class);
    assertThat(result.status()).isEqualTo("dead");
    assertThat(result.attempts()).isZero();
    assertThat(result.detail()).startsWith("interrupted 2 times");
    assertThat(result.history()).extracting(ItemResult.Attempt::attempt, ItemResult.Attempt::ending)
        .containsExactly(tuple(1, "interrupted"), tuple(1, "interrupted"));
  }

  @Test
  void theResultFileListsEveryAttemptWithItsEndingExitCodeAndTimes() throws Exception {
    ledger.recordSeen("ideas", List.of(new NewItem("a", "h1", "{}")));
    runOnce(ended(Ending.INTERRUPTED, -1, "its handler died with its worker"));
    HandlerResult success = ended(Ending.EXITED, 0, "");
    runOnce(success);
    ItemResult result = StatusFiles.mapper().readValue(
        new ResultWriter(config.resultsDir()).fileFor("ideas", "a").toFile(), ItemResult.class);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.history()).extracting(ItemResult.Attempt::attempt, ItemResult.Attempt::ending,
        ItemResult.Attempt::exitCode, ItemResult.Attempt::detail)
        .containsExactly(tuple(1, "interrupted", null, "its handler died with its worker"), tuple(1, "exited", 0, "exit 0"));
    assertThat(result.history().get(1).startedAt()).isEqualTo(success.startedAt());
    assertThat(result.history().get(1).finishedAt()).isEqualTo(success.finishedAt());
    assertThat(result.history().get(0).finishedAt()).isNotNull();
  }

  @Test
  void aDetachedAttemptLeavesTheItemRunningWithNothingRecorded() {
    ledger.recordSeen("ideas", List.of(new NewItem("a", "h1", "{}")));
    runOnce(ended(Ending.DETACHED, -1, "detached"));
    assertThat(theItem()).extracting(ItemRecord::state, ItemRecord::attempts).containsExactly(ItemState.RUNNING, 1);
    assertThat(view.attempts(theItem().seq())).singleElement().satisfies(a -> assertThat(a.ending()).isNull());
    assertThat(new ResultWriter(config.resultsDir()).fileFor("ideas", "a")).doesNotExist();
  }

  @Test
  void eachEndingOfAHandlerIsRecordedUnderItsLedgerName() {
    List<Ending> endings = List.of(Ending.EXITED, Ending.TIMED_OUT, Ending.NO_PROGRESS, Ending.LIMIT_EXCEEDED,
        Ending.FAILED_TO_START, Ending.ITEM_NOT_PASSABLE);
    for (int i = 0; i < endings.size(); i++) {
      ledger.recordSeen("ideas", List.of(new NewItem("e" + i, "h" + i, "{}")));
      Ending e = endings.get(i);
      runOnce(ended(e, e == Ending.EXITED ? 1 : -1, "ended " + e));
    }
    List<Object> recorded = new java.util.ArrayList<>();
    for (int i = 0; i < endings.size(); i++) {
      ItemRecord r = view.versions("ideas", "e" + i).get(0);
      recorded.add(tuple(r.id(), view.attempts(r.seq()).get(0).ending()));
    }
    assertThat(recorded).containsExactly(tuple("e0", AttemptEnding.EXITED), tuple("e1", AttemptEnding.TIMEOUT),
        tuple("e2", AttemptEnding.NO_PROGRESS), tuple("e3", AttemptEnding.LIMIT_EXCEEDED),
        tuple("e4", AttemptEnding.NOT_STARTED), tuple("e5", AttemptEnding.NOT_STARTED));
  }
}
