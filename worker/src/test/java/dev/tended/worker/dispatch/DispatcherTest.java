package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.status.RecordingFault;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.ledger.NewItem;
import dev.tended.testkit.TestConfig;
import dev.tended.worker.handler.CommandRunner;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.results.ResultWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The dispatcher with a real ledger file, real handler processes and real result files. */
class DispatcherTest {
  @TempDir Path dir;
  private ItemLedger ledger;
  private LedgerView view;
  private Dispatcher dispatcher;
  /** Events logged by the dispatcher and by {@link ItemEvents} (warn and up, as configured for tests). */
  private final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      logged.add(event);
    }
  };
  private final List<Logger> watched = List.of((Logger) LoggerFactory.getLogger(Dispatcher.class),
      (Logger) LoggerFactory.getLogger(ItemEvents.class));

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.stop(Duration.ofSeconds(2));
    }
    if (view != null) {
      view.close();
    }
    if (ledger != null) {
      ledger.close();
    }
    watched.forEach(l -> l.detachAppender(appender));
  }

  private void captureLogs() {
    appender.start();
    watched.forEach(l -> l.addAppender(appender));
  }

  private List<String> loggedLines(String event) {
    return logged.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(event + " ")).toList();
  }

  private TendedConfig config(String handlerBody, String extra) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handler.sh", "echo \"$TENDED_ITEM_ID $TENDED_ATTEMPT\" >> '" + runs() + "'\n" + handlerBody);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, extra)).write();
    TendedConfig config = ConfigLoader.load(c.file());
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    view = SqliteLedgerStore.at(config.ledgerFile()).openView();
    return config;
  }

  private void startDispatcher(TendedConfig config) {
    dispatcher = new Dispatcher(config, ledger, new CommandRunner(), new ResultWriter(config.resultsDir()),
        new ProgressBoard(System::nanoTime), Clock.systemUTC(), () -> 0.5);
    dispatcher.start();
  }

  private Path runs() {
    return dir.resolve("runs.log");
  }

  private List<String> runLines() throws Exception {
    return Files.exists(runs()) ? Files.readAllLines(runs()) : List.of();
  }

  private static NewItem item(String id) {
    return new NewItem(id, "hash-" + id.replace("\0", "0"), "{\"id\":\"" + id.replace("\0", "\\u0000") + "\"}");
  }

  private long count(ItemState state) {
    return view.counts("ideas").get(state);
  }

  /** Counts the dispatch thread's cycles: it reads the clock once when it starts one and once when it completes it. */
  private static final class CountingClock implements java.util.function.LongSupplier {
    final java.util.concurrent.atomic.AtomicInteger dispatchReads = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public long getAsLong() {
      if (Thread.currentThread().getName().equals("dispatch")) {
        dispatchReads.incrementAndGet();
      }
      return System.nanoTime();
    }
  }

  @Test
  void idleDispatcherWakesAtMostOncePerSafetyCheckAndIsNeverSeenWedgedBetweenCycles() throws Exception {
    TendedConfig config = config("exit 0", "");
    CountingClock clock = new CountingClock();
    ProgressBoard board = new ProgressBoard(clock);
    dispatcher = new Dispatcher(config, ledger, new CommandRunner(), new ResultWriter(config.resultsDir()),
        board, Clock.systemUTC(), () -> 0.5);
    dispatcher.start();
    // The first cycle finds nothing; from then on every source is idle.
    await().atMost(Duration.ofSeconds(10)).until(() -> clock.dispatchReads.get() >= 4);
    int before = clock.dispatchReads.get();

    // With a 500 ms cycle there would be at least three more cycles in 1.6 s; idle, at most one.
    await().during(Duration.ofMillis(1600)).atMost(Duration.ofSeconds(3))
        .until(() -> clock.dispatchReads.get() - before <= 2 && board.wedged(Duration.ofMillis(100)).isEmpty());
  }

  @Test
  void itemRecordedWhileTheDispatcherIsIdleStartsAtOnceWhenNudged() throws Exception {
    TendedConfig config = config("exit 0", "");
    CountingClock clock = new CountingClock();
    // Idle, the dispatcher would look at the ledger again only after an hour: only the nudge can start the item.
    dispatcher = new Dispatcher(config, ledger, new CommandRunner(), new ResultWriter(config.resultsDir()),
        new ProgressBoard(clock), Clock.systemUTC(), () -> 0.5, Duration.ofHours(1));
    dispatcher.start();
    await("the first cycle, which finds nothing").atMost(Duration.ofSeconds(10))
        .until(() -> clock.dispatchReads.get() >= 2);

    ledger.recordSeen("ideas", List.of(item("late")));
    dispatcher.nudge();

    await().atMost(Duration.ofSeconds(10)).until(() -> count(ItemState.SUCCEEDED) == 1);
  }

  /** The system clock, except that its first reading on the dispatch thread throws {@code error}. */
  private static Clock failingOnceOnTheDispatchThread(Error error) {
    AtomicBoolean thrown = new AtomicBoolean();
    return new Clock() {
      @Override public ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(ZoneId zone) { return this; }
      @Override public Instant instant() {
        if (Thread.currentThread().getName().equals("dispatch") && !thrown.getAndSet(true)) {
          throw error;
        }
        return Instant.now();
      }
    };
  }

  @Test
  void anErrorInACycleEndsTheDispatcherInTheLogAndLeavesItsCycleOpenSoTheHeartbeatStops() throws Exception {
    TendedConfig config = config("exit 0", "");
    captureLogs();
    // A failed item due in an hour makes the first cycle read the clock to plan its next look.
    ledger.recordSeen("ideas", List.of(item("later")));
    ItemRecord claimed = ledger.claimDue("ideas", 1).get(0);
    ledger.finish(claimed.seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", Instant.now().plusSeconds(3600));
    ProgressBoard board = new ProgressBoard(System::nanoTime);
    dispatcher = new Dispatcher(config, ledger, new CommandRunner(), new ResultWriter(config.resultsDir()),
        board, failingOnceOnTheDispatchThread(new StackOverflowError("injected")), () -> 0.5);
    dispatcher.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> !loggedLines("dispatch_died").isEmpty());
    assertThat(logged).filteredOn(e -> e.getFormattedMessage().startsWith("dispatch_died ")).singleElement()
        .satisfies(e -> {
          assertThat(e.getFormattedMessage()).contains("StackOverflowError: injected");
          assertThat(e.getThrowableProxy()).as("the trace goes to the log").isNotNull();
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> board.wedged(Duration.ofMillis(200)).stream()
        .anyMatch(w -> w.part().equals(Dispatcher.PART) && w.inCycle()));

    ledger.recordSeen("ideas", List.of(item("new")));
    dispatcher.nudge();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> view.versions("ideas", "new").get(0).state() == ItemState.PENDING);
  }

  private String recordError(String source) {
    RecordingFault f = dispatcher.recordErrors().get(source);
    return f == null ? "" : f.reason();
  }

  @Test
  void aFailureToRecordOneAttemptStaysShownWhileAnotherAttemptOfTheSourceSucceeds() throws Exception {
    // "fine" runs long enough for "stuck" to fail to record several times, so its retries are seconds apart.
    TendedConfig config = config("""
        [ "$TENDED_ITEM_ID" = fine ] && sleep 4.5
        exit 0""", "    concurrency: 2\n");
    Path blocked = Files.createDirectories(config.resultsDir().resolve("ideas/stuck.json"));
    Files.writeString(blocked.resolve("in-the-way"), "a folder where the result file goes");
    ledger.recordSeen("ideas", List.of(item("stuck"), item("fine")));
    startDispatcher(config);

    await().atMost(Duration.ofSeconds(20)).until(() -> recordError("ideas").contains("stuck"));
    await().atMost(Duration.ofSeconds(20))
        .until(() -> view.versions("ideas", "fine").get(0).state() == ItemState.SUCCEEDED);
    await("the error of stuck, still failing, after fine succeeded").during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> recordError("ideas").contains("cannot record the outcome of stuck"));

    Files.delete(blocked.resolve("in-the-way"));
    Files.delete(blocked);
    await().atMost(Duration.ofSeconds(40)).until(() -> count(ItemState.SUCCEEDED) == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.recordErrors().isEmpty());
  }

  @Test
  void eachVersionOfOneIdRunsWithItsOwnInputInItsOwnWorkFolder() throws Exception {
    Path seen = dir.resolve("seen");
    // Both attempts start together; each reads its input only after both were prepared.
    TendedConfig config = config("""
        sleep 0.3
        echo "$(cat) $TENDED_WORK_DIR" >> '%s'
        exit 0""".formatted(seen), "    concurrency: 2\n");
    String first = "{\"id\":42,\"v\":\"first\"}";
    String second = "{\"id\":42,\"v\":\"second\"}";
    ledger.recordSeen("ideas", List.of(new NewItem("42", "1111aaaa1111aaaa-first", first),
        new NewItem("42", "2222bbbb2222bbbb-second", second)));
    startDispatcher(config);

    await().atMost(Duration.ofSeconds(20)).until(() -> count(ItemState.SUCCEEDED) == 2);
    List<String> lines = Files.readAllLines(seen);
    assertThat(lines).hasSize(2);
    assertThat(lines.stream().map(l -> l.substring(0, l.indexOf(' ')))).containsExactlyInAnyOrder(first, second);
    for (String line : lines) {
      Path workDir = Path.of(line.substring(line.indexOf(' ') + 1));
      assertThat(workDir.getParent()).isEqualTo(config.workDir().resolve("ideas/42"));
      assertThat(Files.readString(workDir.resolve("input.json"))).isEqualTo(line.substring(0, line.indexOf(' ')));
    }
    assertThat(config.workDir().resolve("ideas/42/1111aaaa1111aaaa/input.json")).hasContent(first);
    assertThat(config.workDir().resolve("ideas/42/2222bbbb2222bbbb/input.json")).hasContent(second);
  }

  @Test
  void deadAndFailedEventsCarryTheLastLineTheHandlerWroteToStderr() throws Exception {
    TendedConfig config = config("""
        echo "reading the idea" >&2
        if [ "$TENDED_ITEM_ID" = idea-4 ]; then echo "idea idea-4 has no title" >&2; exit 65; fi
        printf 'upstream is down\\n\\n' >&2
        exit 75""", "");
    captureLogs();
    ledger.recordSeen("ideas", List.of(item("idea-4"), item("idea-5")));
    startDispatcher(config);

    await().atMost(Duration.ofSeconds(20)).until(() -> count(ItemState.DEAD) == 2);
    assertThat(loggedLines("item_dead")).anySatisfy(l -> assertThat(l).startsWith("item_dead source=ideas id=idea-4 ")
        .contains(" stderr_tail=\"idea idea-4 has no title\""));
    assertThat(loggedLines("item_failed")).hasSize(2).allSatisfy(l -> assertThat(l)
        .startsWith("item_failed source=ideas id=idea-5 ").contains(" stderr_tail=\"upstream is down\" "));
    assertThat(loggedLines("item_dead")).anySatisfy(l -> assertThat(l).startsWith("item_dead source=ideas id=idea-5 ")
        .contains(" stderr_tail=\"upstream is down\""));
  }

  @Test
  void itemWhoseIdCannotBePutInTheEnvironmentIsDeadAtOnceAndItsSourceKeepsRunning() throws Exception {
    TendedConfig config = config("exit 0", "");
    ledger.recordSeen("ideas", List.of(item("first"), item("bad\0id"), item("after")));
    startDispatcher(config);

    await().atMost(Duration.ofSeconds(20)).until(() -> count(ItemState.SUCCEEDED) == 2 && count(ItemState.DEAD) == 1);
    ItemRecord dead = view.inState("ideas", ItemState.DEAD).get(0);
    assertThat(dead.id()).isEqualTo("bad\0id");
    assertThat(dead.attempts()).isEqualTo(1);
    assertThat(dead.lastError()).contains("TENDED_ITEM_ID").contains("NUL").contains("dead without retry");
    assertThat(runLines()).containsExactly("first 1", "after 1");
    assertThat(count(ItemState.RUNNING)).isZero();
  }

  @Test
  void anAttemptWhoseItemWasEndedBehindTheWorkersBackIsNotRetriedForeverAndTheSourceMovesOn() throws Exception {
    Path go = dir.resolve("go");
    TendedConfig config = config("""
        i=0
        while [ ! -e '%s' ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
        exit 0""".formatted(go), "");
    ledger.recordSeen("ideas", List.of(item("changed"), item("after")));
    startDispatcher(config);
    await().atMost(Duration.ofSeconds(20)).until(() -> runLines().contains("changed 1"));
    long seq = view.versions("ideas", "changed").get(0).seq();
    ledger.finish(seq, ItemState.DEAD, AttemptEnding.EXITED, null, "ended by hand", null);
    Files.createFile(go);

    await().atMost(Duration.ofSeconds(20)).until(() -> count(ItemState.SUCCEEDED) == 1);
    assertThat(view.versions("ideas", "after").get(0).state()).isEqualTo(ItemState.SUCCEEDED);
    assertThat(view.versions("ideas", "changed").get(0).lastError()).isEqualTo("ended by hand");
    assertThat(dispatcher.recordErrors()).isEmpty();
  }

  @Test
  void itemInterruptedDuringItsLastAttemptGoesDeadWithoutRunningAgain() throws Exception {
    TendedConfig config = config("exit 0", "");
    ledger.recordSeen("ideas", List.of(item("last"), item("second")));
    for (int crash = 0; crash < 3; crash++) {
      ledger.claimDue("ideas", crash < 2 ? 2 : 1);
      ledger.recoverInterrupted();
    }
    assertThat(view.versions("ideas", "last").get(0).attempts()).isEqualTo(3);
    assertThat(view.versions("ideas", "second").get(0).attempts()).isEqualTo(2);
    startDispatcher(config);

    await().atMost(Duration.ofSeconds(20)).until(() -> count(ItemState.DEAD) == 1 && count(ItemState.SUCCEEDED) == 1);
    ItemRecord dead = view.inState("ideas", ItemState.DEAD).get(0);
    assertThat(dead.id()).isEqualTo("last");
    assertThat(dead.attempts()).isEqualTo(3);
    assertThat(dead.lastError()).isEqualTo("interrupted during its last attempt (attempt 3 of 3); not run again");
    assertThat(runLines()).containsExactly("second 3");
    assertThat(Files.readString(config.resultsDir().resolve("ideas/last.json")))
        .contains("\"status\" : \"dead\"").contains("not run again");
  }

  @Test
  void atMostConcurrencyHandlersOfOneSourceRunAtOnce() throws Exception {
    Path running = dir.resolve("running");
    Path seen = dir.resolve("seen");
    Files.createDirectories(running);
    // Each run waits (up to 2 s) for a partner, so two really overlap; a third would show in the count.
    TendedConfig config = config("""
        touch '%1$s/'"$TENDED_ITEM_ID"
        i=0
        while [ "$(ls '%1$s' | wc -l)" -lt 2 ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done
        ls '%1$s' | wc -l >> '%2$s'
        sleep 0.2
        ls '%1$s' | wc -l >> '%2$s'
        rm '%1$s/'"$TENDED_ITEM_ID"
        """.formatted(running, seen), "    concurrency: 2\n");
    ledger.recordSeen("ideas", IntStream.range(0, 6).mapToObj(i -> item("c" + i)).toList());
    startDispatcher(config);

    await().atMost(Duration.ofSeconds(30)).until(() -> count(ItemState.SUCCEEDED) == 6);
    List<Integer> counts = Files.readAllLines(seen).stream().map(l -> Integer.parseInt(l.trim())).toList();
    assertThat(counts).hasSize(12).allMatch(n -> n <= 2).contains(2);
  }
}
