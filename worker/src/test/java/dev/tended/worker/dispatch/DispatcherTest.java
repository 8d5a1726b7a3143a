package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
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
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher with a real ledger file, real handler processes and real result files. */
class DispatcherTest {
  @TempDir Path dir;
  private ItemLedger ledger;
  private LedgerView view;
  private Dispatcher dispatcher;

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
    startDispatcher(config);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.counts("ideas") != null);

    long t0 = System.nanoTime();
    ledger.recordSeen("ideas", List.of(item("late")));
    dispatcher.nudge();

    await().atMost(Duration.ofSeconds(10)).until(() -> count(ItemState.SUCCEEDED) == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Dispatcher.SAFETY_CHECK);
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
    ledger.finish(seq, ItemState.DEAD, null, "ended by hand", null);
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
