package dev.tended.worker.source;

import dev.tended.queue.QueueSource;
import dev.tended.queue.ItemSink;
import dev.tended.queue.PollOutcome;
import dev.tended.queue.QueueItem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.TestConfig;
import dev.tended.worker.heartbeat.ProgressBoard;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class PollSchedulerTest {
  @TempDir Path dir;
  private final Logger pollerLog = (Logger) LoggerFactory.getLogger(SourcePoller.class);
  private final Logger schedulerLog = (Logger) LoggerFactory.getLogger(PollScheduler.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private PollScheduler polls;
  private ItemLedger ledger;
  private Path ledgerFile;

  @AfterEach
  void stop() {
    if (polls != null) {
      polls.stop(Duration.ofSeconds(5));
    }
    if (ledger != null) {
      ledger.close();
    }
    pollerLog.detachAppender(logged);
    schedulerLog.detachAppender(logged);
    schedulerLog.setLevel(null);
  }

  /** A ledger and a started scheduler polling {@code source} as the configured source "ideas". */
  private void startPolling(QueueSource source) throws Exception {
    startPolling(source, SourceOwnership.everySource());
  }

  private void startPolling(QueueSource source, SourceOwnership ownership) throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("h.sh", "exit 0"), "")).write();
    TendedConfig config = ConfigLoader.load(c.file());
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    ledgerFile = config.ledgerFile();
    ProgressBoard progress = new ProgressBoard(System::nanoTime);
    SourcePoller poller = new SourcePoller(config.sources().get(0), source, ledger, progress, () -> { },
        Clock.systemUTC());
    progress.register(poller.part(), config.sources().get(0).pollInterval());
    polls = new PollScheduler(List.of(poller), ownership);
    polls.start();
  }

  /** A queue whose first poll throws, as a bug in a source would; later polls offer one item. */
  private static final class ThrowsOnce implements QueueSource {
    final AtomicInteger polls = new AtomicInteger();

    @Override
    public String name() {
      return "ideas";
    }

    @Override
    public PollOutcome poll(ItemSink sink) throws java.io.IOException {
      if (polls.incrementAndGet() == 1) {
        throw new IllegalStateException("bug in the source");
      }
      sink.accept(List.of(new QueueItem("after-failure", "h1", "{\"id\":\"after-failure\"}")));
      return new PollOutcome(true, 1, Optional.empty(), Optional.empty(), false);
    }
  }

  @Test
  void aPollJobThatThrowsIsLoggedAndRunsAgainNextTime() throws Exception {
    logged.start();
    pollerLog.addAppender(logged);
    ThrowsOnce source = new ThrowsOnce();
    startPolling(source);

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try (var view = SqliteLedgerStore.at(ledgerFile).openView()) {
        return view.counts("ideas").get(ItemState.PENDING) == 1;
      }
    });
    assertThat(source.polls.get()).isGreaterThanOrEqualTo(2);
    assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().startsWith("poll_failed source=ideas"))
        .singleElement().satisfies(e -> {
          assertThat(e.getFormattedMessage()).contains("bug in the source");
          assertThat(e.getThrowableProxy()).isNotNull();
        });
    await().atMost(Duration.ofSeconds(5)).until(() -> polls.reports().get("ideas").lastPollOk());
  }

  /** An ownership switched by the test: another node holds the source until {@code owned} is set. */
  private static final class Switched implements SourceOwnership {
    final java.util.concurrent.atomic.AtomicBoolean owned = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public boolean owns(String source) {
      return owned.get();
    }

    @Override
    public void stop(Duration budget) {}
  }

  /** A queue that counts its polls and offers nothing. */
  private static final class Counted implements QueueSource {
    final AtomicInteger polls = new AtomicInteger();

    @Override
    public String name() {
      return "ideas";
    }

    @Override
    public PollOutcome poll(ItemSink sink) {
      polls.incrementAndGet();
      return new PollOutcome(true, 0, Optional.empty(), Optional.empty(), false);
    }
  }

  @Test
  void aSourceThisNodeDoesNotOwnIsNotPolledByTheTimerNorTheFastPathUntilItOwnsIt() throws Exception {
    Switched ownership = new Switched();
    Counted source = new Counted();
    startPolling(source, ownership);

    // The test config's poll interval is short: several ticks pass, and fast-path requests are refused.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> {
      polls.pollSoon("ideas");
      return source.polls.get() == 0;
    });
    ownership.owned.set(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> source.polls.get() >= 2);
  }

  /** A queue whose poll waits until released, then offers one item: a poll caught by a stop. */
  private static final class SlowPoll implements QueueSource {
    final CountDownLatch inside = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<String> order;

    SlowPoll(List<String> order) {
      this.order = order;
    }

    @Override
    public String name() {
      return "ideas";
    }

    @Override
    public PollOutcome poll(ItemSink sink) throws java.io.IOException {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException("interrupted");
      }
      sink.accept(List.of(new QueueItem("read-while-stopping", "h1", "{\"id\":\"read-while-stopping\"}")));
      order.add("poll recorded");
      return new PollOutcome(true, 1, Optional.empty(), Optional.empty(), false);
    }
  }

  @Test
  void aStopWaitsForTheRunningPollSoWhatItReadIsRecordedBeforeTheLedgerCloses() throws Exception {
    logged.start();
    schedulerLog.addAppender(logged);
    schedulerLog.setLevel(ch.qos.logback.classic.Level.INFO);
    List<String> order = new CopyOnWriteArrayList<>();
    SlowPoll source = new SlowPoll(order);
    startPolling(source);
    source.inside.await();

    CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
      polls.stop(Duration.ofSeconds(10));
      order.add("stopped");
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> stop.isDone()
        || logged.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("polls_awaited running=1")));
    source.release.countDown();
    stop.get();

    assertThat(order).containsExactly("poll recorded", "stopped");
    try (var view = SqliteLedgerStore.at(ledgerFile).openView()) {
      assertThat(view.counts("ideas").get(ItemState.PENDING)).isEqualTo(1);
    }
  }
}
