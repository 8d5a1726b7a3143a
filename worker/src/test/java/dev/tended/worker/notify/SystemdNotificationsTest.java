package dev.tended.worker.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.RecordingNotifier;
import dev.tended.status.BreakerStatus;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.worker.heartbeat.PollReport;
import dev.tended.worker.heartbeat.ProgressBoard;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SystemdNotificationsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final RecordingNotifier systemd = new RecordingNotifier(Duration.ofSeconds(60));
  private final ProgressBoard board = new ProgressBoard(nanos::get);
  private final Map<String, PollReport> polls = new ConcurrentHashMap<>();
  private final SystemdNotifications notifications =
      new SystemdNotifications(systemd, Duration.ofSeconds(5), nanos::get);
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @AfterEach
  void stop() {
    notifications.stopping();
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void readyIsSentOnlyOnceEverySourceHasCompletedAFirstPoll() {
    polls.put("ideas", PollReport.NOT_YET);
    polls.put("qa-issues", PollReport.NOT_YET);
    AtomicInteger looks = new AtomicInteger();
    notifications.running(board, LIMIT, () -> {
      looks.incrementAndGet();
      return Map.copyOf(polls);
    });
    polls.put("ideas", new PollReport(Instant.now(), true, null, null));
    int before = looks.get();
    // The second look after the put certainly saw it: readiness was judged with one source still unpolled.
    await().atMost(Duration.ofSeconds(5)).until(() -> looks.get() >= before + 2);
    assertThat(systemd.count("READY=1")).isZero();

    polls.put("qa-issues", new PollReport(Instant.now(), false, "not a regular file", null));
    await().atMost(Duration.ofSeconds(5)).until(() -> systemd.count("READY=1") == 1);
  }

  @Test
  void watchdogFollowsTheHeartbeatCondition() {
    board.register("poll-ideas", Duration.ofSeconds(2));
    notifications.running(board, LIMIT, Map::of);
    notifications.beat(status(0, 0, 0));
    assertThat(notifications.progressing()).isTrue();

    board.started("poll-ideas");
    advance(LIMIT.plusSeconds(1));
    assertThat(notifications.progressing()).as("a part stuck past the wedge limit").isFalse();

    board.completed("poll-ideas");
    notifications.beat(status(0, 0, 0));
    assertThat(notifications.progressing()).isTrue();

    notifications.withheld(List.of(new ProgressBoard.Wedge("dispatch", LIMIT, true)));
    assertThat(notifications.progressing()).as("the heartbeat withheld its beat").isFalse();
    assertThat(systemd.lines()).contains("STATUS=wedged: dispatch stuck 30s");
  }

  @Test
  void aHeartbeatThatItselfStopsBeatingStopsThePings() {
    notifications.running(board, LIMIT, Map::of);
    notifications.beat(status(0, 0, 0));
    advance(Duration.ofSeconds(5).plus(LIMIT).minusMillis(1));
    assertThat(notifications.progressing()).isTrue();
    advance(Duration.ofMillis(2));
    assertThat(notifications.progressing()).isFalse();
  }

  @Test
  void statusLineIsSentOnlyWhenItChanges() {
    polls.put("ideas", new PollReport(Instant.now(), true, null, null));
    notifications.running(board, LIMIT, () -> Map.copyOf(polls));
    await().atMost(Duration.ofSeconds(5)).until(() -> systemd.count("READY=1") == 1);
    notifications.beat(status(3, 1, 1));
    notifications.beat(status(3, 1, 1));
    notifications.beat(status(0, 0, 1));
    assertThat(systemd.lines()).filteredOn(l -> l.startsWith("STATUS=ideas"))
        .containsExactly("STATUS=ideas: 3 pending, 1 running; qa-issues: idle; 1 dead", "STATUS=ideas: idle; qa-issues: idle; 1 dead");
  }

  @Test
  void stoppingSaysSoOnceAndEndsThePings() {
    notifications.running(board, LIMIT, Map::of);
    notifications.stopping();
    notifications.stopping();
    assertThat(systemd.count("STOPPING=1")).isEqualTo(1);
    assertThat(notifications.progressing()).isFalse();
  }

  @Test
  void eachLongStartUpStepExtendsTheStartTimeoutAgainUntilReady() {
    polls.put("ideas", PollReport.NOT_YET);
    notifications.starting(Duration.ofSeconds(60));
    notifications.startupStep("recovering interrupted items");
    notifications.running(board, LIMIT, () -> Map.copyOf(polls));

    assertThat(systemd.lines()).containsSubsequence(
        "EXTEND_TIMEOUT_USEC=60000000", "STATUS=opening the ledger",
        "EXTEND_TIMEOUT_USEC=60000000", "STATUS=recovering interrupted items",
        "EXTEND_TIMEOUT_USEC=60000000", "STATUS=waiting for the first poll of every source");
    polls.put("ideas", new PollReport(Instant.now(), true, null, null));
    await().atMost(Duration.ofSeconds(5)).until(() -> systemd.count("READY=1") == 1);
    notifications.startupStep("late");
    assertThat(systemd.count("EXTEND_TIMEOUT_USEC=60000000")).as("nothing to extend once ready").isEqualTo(3);
  }

  @Test
  void aFailedStartSaysWhyWithAnErrnoAndKeepsThatLineThroughTheStop() {
    notifications.starting(Duration.ofSeconds(60));
    notifications.startFailed(new java.nio.file.AccessDeniedException("/var/lib/tended/ledger.db"));
    notifications.stopping();
    notifications.stopped();
    assertThat(systemd.lines()).startsWith("EXTEND_TIMEOUT_USEC=60000000").contains("ERRNO=13", "STOPPING=1");
    assertThat(systemd.lines()).filteredOn(l -> l.startsWith("STATUS=")).last().asString()
        .startsWith("STATUS=failed to start: /var/lib/tended/ledger.db");
  }

  private static WorkerStatus status(long pending, long running, long dead) {
    Map<String, SourceStatus> sources = new LinkedHashMap<>();
    sources.put("qa-issues", new SourceStatus(Instant.now(), true, 0, 0, 0, 0, 0, null, BreakerStatus.CLOSED, null));
    sources.put("ideas", new SourceStatus(Instant.now(), true, pending, running, 5, 0, dead, null, BreakerStatus.CLOSED, null));
    return new WorkerStatus(WorkerStatus.SCHEMA, 1, "running", "test", Instant.now(), Instant.now(), 1, sources);
  }
}
