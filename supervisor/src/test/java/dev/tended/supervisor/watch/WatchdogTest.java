package dev.tended.supervisor.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.RestartMode;
import dev.tended.config.SupervisorConfig;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.RestartLog;
import dev.tended.supervisor.restart.StateFile;
import dev.tended.supervisor.restart.SupervisorState;
import dev.tended.supervisor.restart.WorkerControl;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The supervisor's decisions against a fake clock, a fake worker and a status file held in memory. */
class WatchdogTest {
  private static final Duration TICK = Duration.ofMillis(500);
  /** A fake child {@code p} that wraps its JVM has the JVM as its descendant {@code p + WRAPPED}. */
  private static final long WRAPPED = 10_000;

  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private final List<String> actions = new ArrayList<>();
  private Optional<WorkerStatus> status = Optional.empty();
  private final List<StallReport> reports = new ArrayList<>();

  private final SupervisorConfig config = new SupervisorConfig(Duration.ofSeconds(3), Duration.ofSeconds(5),
      Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(8), RestartMode.CHILD, List.of(), "u", 5,
      Duration.ofSeconds(30), Duration.ofSeconds(60));

  /** A worker that does what it is told and writes down every action, in one mode or the other. */
  final class FakeWorker implements WorkerControl {
    final boolean child;
    long nextPid = 100;
    long pid;
    Integer exit;
    boolean failStarts;
    boolean crashAtStart;

    FakeWorker(boolean child) {
      this.child = child;
    }

    @Override public String mode() {
      return child ? "child" : "systemctl";
    }

    @Override public OptionalLong startInitially() throws IOException {
      if (!child) {
        actions.add("adopt");
        return OptionalLong.empty();
      }
      return relaunch();
    }

    @Override public OptionalLong relaunch() throws IOException {
      if (failStarts) {
        actions.add("start_failed");
        throw new IOException("no such program");
      }
      pid = nextPid++;
      exit = crashAtStart ? 1 : null;
      actions.add(child ? "start " + pid : "systemctl restart");
      return child ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    @Override public OptionalInt exitCode() {
      return exit == null ? OptionalInt.empty() : OptionalInt.of(exit);
    }

    @Override public OptionalLong pid() {
      return child ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    @Override public boolean owns(long statusPid) {
      return !child || statusPid == pid || statusPid == pid + WRAPPED;
    }

    @Override public Optional<ProcessHandle> evidenceProcess(OptionalLong statusPid) {
      return Optional.empty();
    }

    @Override public void stopForRestart() {
      actions.add("stop");
    }

    @Override public void stop() {
      actions.add("final_stop");
    }
  }

  private Watchdog watchdog(WorkerControl worker) {
    return watchdog(worker, config);
  }

  private Watchdog watchdog(WorkerControl worker, SupervisorConfig config) {
    return new Watchdog(config, clock, () -> status, dir.resolve("status.json"), worker, r -> {
      reports.add(r);
      actions.add("evidence");
      return Optional.of("stall-x.txt");
    }, RestartLog.open(StateFile.in(dir), worker.mode(), Clock.systemUTC()), Clock.systemUTC(), TICK);
  }

  private void beat(long pid, long seq, Instant updatedAt) {
    status = Optional.of(new WorkerStatus(1, pid, "running", "t", updatedAt, updatedAt, seq, Map.of()));
  }

  /** Runs ticks every 500 ms for {@code d}, the worker beating on every tick when {@code beating}. */
  private void run(Watchdog w, Duration d, FakeWorker worker, boolean beating) {
    for (long t = 0; t < d.toMillis(); t += TICK.toMillis()) {
      clock.advance(TICK);
      if (beating && worker.exit == null) {
        long seq = status.map(WorkerStatus::sequence).orElse(0L) + 1;
        beat(worker.child ? worker.pid : 7, seq, Instant.now());
      }
      w.tick();
    }
  }

  @Test
  void startedWorkerIsAwaitedUntilItsFirstBeatAndAgainAfterEachRestart() {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    assertThat(w.awaitingFirstBeat()).isFalse();
    w.start();
    assertThat(w.awaitingFirstBeat()).isTrue();
    run(w, Duration.ofMillis(1000), worker, true);
    assertThat(w.awaitingFirstBeat()).isFalse();

    worker.exit = 137;
    w.tick(); // sees the exit
    clock.advance(Duration.ofSeconds(1));
    w.tick(); // the backoff is over: started again
    assertThat(actions).contains("start 101");
    assertThat(w.awaitingFirstBeat()).isTrue();
  }

  @Test
  void crashedWorkerIsRestartedAfterTheBackoffAndNotBefore() {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    w.start();
    run(w, Duration.ofSeconds(2), worker, true);
    worker.exit = 137;
    w.tick(); // sees the exit
    actions.clear();
    clock.advance(Duration.ofMillis(900));
    w.tick();
    assertThat(actions).isEmpty();
    clock.advance(Duration.ofMillis(100));
    w.tick();
    assertThat(actions).containsExactly("start 101");
  }

  @Test
  void workerThatCrashesAtEveryStartGetsGrowingCappedDelaysAndIsNeverGivenUpOn() {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    w.start();
    List<Long> delaysMs = new ArrayList<>();
    long crashedAt = 0;
    for (int i = 0; i < 8; i++) {
      worker.exit = 1;
      w.tick();
      crashedAt = clock.nanos();
      long startsBefore = actions.stream().filter(a -> a.startsWith("start")).count();
      while (actions.stream().filter(a -> a.startsWith("start")).count() == startsBefore) {
        clock.advance(Duration.ofMillis(100));
        w.tick();
      }
      delaysMs.add((clock.nanos() - crashedAt) / 1_000_000);
    }
    assertThat(delaysMs).containsExactly(1000L, 2000L, 4000L, 8000L, 8000L, 8000L, 8000L, 8000L);
    assertThat(w.failuresInARow()).isEqualTo(8);
  }

  @Test
  void workerThatRefusesItsConfigurationIsNeverStartedAgainAndEndsTheWatchingWith78() {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    w.start();
    worker.exit = 78;
    w.tick();
    run(w, Duration.ofSeconds(20), worker, false);
    assertThat(actions).containsExactly("start 100");
    assertThat(w.refusal()).contains(new WorkerRefusal(100, 78));
  }

  @Test
  void workerThatCannotBeStartedAtAllIsTriedAgainWithTheBackoff() {
    FakeWorker worker = new FakeWorker(true);
    worker.failStarts = true;
    Watchdog w = watchdog(worker);
    w.start();
    run(w, Duration.ofSeconds(8), worker, false);
    // at 0, then after 1 s, 2 s and 4 s: four attempts in eight seconds, no tight loop
    assertThat(actions).containsExactly("start_failed", "start_failed", "start_failed", "start_failed");
  }

  @Test
  void backoffResetsOnlyAfterTheWorkerRanHealthyForResetAfter() {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    w.start();
    for (int i = 0; i < 3; i++) {
      worker.exit = 1;
      w.tick();
      run(w, Duration.ofSeconds(5), worker, false);
    }
    assertThat(w.nextDelay()).isEqualTo(Duration.ofSeconds(8));
    run(w, Duration.ofSeconds(20), worker, true);
    assertThat(w.nextDelay()).isEqualTo(Duration.ofSeconds(8));
    run(w, Duration.ofSeconds(15), worker, true);
    assertThat(w.failuresInARow()).isZero();
    assertThat(w.nextDelay()).isEqualTo(Duration.ofSeconds(1));
  }

  @ParameterizedTest(name = "child mode: {0}")
  @ValueSource(booleans = {true, false})
  void stallIsRecordedBeforeTheWorkerIsStoppedAndStartedAgainInEitherMode(boolean child) {
    FakeWorker worker = new FakeWorker(child);
    Watchdog w = watchdog(worker);
    w.start();
    run(w, Duration.ofSeconds(5), worker, true);
    actions.clear();
    run(w, Duration.ofMillis(2500), worker, false);
    assertThat(actions).isEmpty();
    run(w, Duration.ofMillis(500), worker, false);
    assertThat(actions).containsExactly("evidence", "stop", child ? "start 101" : "systemctl restart");
    assertThat(reports.get(0).reason()).contains("has not advanced for 3000 ms");
  }

  @Test
  void wallClockJumpInTheStatusFileNeitherCausesNorPreventsARestart() {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    w.start();
    Instant past = Instant.parse("2001-01-01T00:00:00Z");
    Instant future = Instant.now().plus(Duration.ofDays(400));
    // advancing sequence with absurd timestamps: healthy
    for (int i = 1; i <= 40; i++) {
      clock.advance(TICK);
      beat(worker.pid, i, i % 2 == 0 ? past : future);
      w.tick();
    }
    assertThat(actions).containsExactly("start 100");
    // timestamps that look perfectly fresh, sequence frozen: stalled
    for (int i = 0; i < 6; i++) {
      clock.advance(TICK);
      beat(worker.pid, 40, Instant.now());
      w.tick();
    }
    assertThat(actions).containsExactly("start 100", "evidence", "stop", "start 101");
  }

  @Test
  void beatsOfAnotherPidDoNotKeepAStalledChildAlive() {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    w.start();
    for (int i = 1; i <= 11; i++) {
      clock.advance(TICK);
      beat(999, i, Instant.now());
      w.tick();
    }
    assertThat(actions).containsExactly("start 100", "evidence", "stop", "start 101");
    assertThat(reports.get(0).reason()).contains("no heartbeat from pid 100");
  }

  @Test
  void beatsOfADescendantOfTheChildKeepItAliveAndItsFreezeStillRestartsIt() {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    w.start();
    // startupGrace is 5 s: beating for 20 s from the wrapped JVM must not look like a silent child
    for (int i = 1; i <= 40; i++) {
      clock.advance(TICK);
      beat(worker.pid + WRAPPED, i, Instant.now());
      w.tick();
    }
    assertThat(actions).containsExactly("start 100");
    run(w, Duration.ofSeconds(3), worker, false);
    assertThat(actions).containsExactly("start 100", "evidence", "stop", "start 101");
    assertThat(reports.get(0).reason()).contains("heartbeat sequence 40 has not advanced for 3000 ms");
  }

  /** The {@code watch_ok} lines the watchdog logs while {@code body} runs, with the fake clock's time (ms) of each. */
  private List<String> watchOks(Runnable body) {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Watchdog.class);
    List<String> lines = new ArrayList<>();
    ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.AppenderBase<>() {
      @Override protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
        if (e.getFormattedMessage().startsWith("watch_ok ")) {
          lines.add(clock.nanos() / 1_000_000 + " " + e.getFormattedMessage());
        }
      }
    };
    appender.start();
    ch.qos.logback.classic.Level level = logger.getLevel();
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    logger.addAppender(appender);
    try {
      body.run();
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }
    return lines;
  }

  private static List<Long> times(List<String> lines) {
    return lines.stream().map(l -> Long.parseLong(l.substring(0, l.indexOf(' ')))).toList();
  }

  @Test
  void watchOkIsLoggedEveryWatchOkEveryWhileTheWorkerIsHealthy() {
    SupervisorConfig everyTwoSeconds = new SupervisorConfig(Duration.ofSeconds(3), Duration.ofSeconds(5),
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(8), RestartMode.CHILD, List.of(), "u", 5,
        Duration.ofSeconds(30), Duration.ofSeconds(2));
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker, everyTwoSeconds);
    long t0 = clock.nanos() / 1_000_000;
    List<String> lines = watchOks(() -> {
      w.start();
      run(w, Duration.ofSeconds(20), worker, true);
    });
    assertThat(times(lines)).containsExactly(t0 + 2000, t0 + 4000, t0 + 6000, t0 + 8000, t0 + 10_000, t0 + 12_000,
        t0 + 14_000, t0 + 16_000, t0 + 18_000, t0 + 20_000);
    assertThat(lines.get(lines.size() - 1)).contains("state=healthy").contains("pid=100").contains("beat_age_ms=0");
  }

  @Test
  void watchOkKeepsComingWhileACrashLoopWaitsAtMaximumBackoff() {
    SupervisorConfig everyTwoSeconds = new SupervisorConfig(Duration.ofSeconds(3), Duration.ofSeconds(5),
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(8), RestartMode.CHILD, List.of(), "u", 5,
        Duration.ofSeconds(30), Duration.ofSeconds(2));
    FakeWorker worker = new FakeWorker(true);
    worker.crashAtStart = true;
    Watchdog w = watchdog(worker, everyTwoSeconds);
    w.start();
    run(w, Duration.ofSeconds(30), worker, false); // backoff 1, 2, 4, 8, 8 … s: now at its maximum
    long from = clock.nanos() / 1_000_000;
    List<String> lines = watchOks(() -> run(w, Duration.ofSeconds(24), worker, false));
    assertThat(times(lines)).hasSize(12).allMatch(t -> t > from);
    for (int i = 1; i < lines.size(); i++) {
      assertThat(times(lines).get(i) - times(lines).get(i - 1)).isEqualTo(2000);
    }
    assertThat(lines).anyMatch(l -> l.contains("state=waiting_to_restart") && l.contains("beat_age_ms=-"));
    assertThat(w.nextDelay()).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void restartsAreRememberedAcrossSupervisorRestarts() throws IOException {
    FakeWorker worker = new FakeWorker(true);
    Watchdog w = watchdog(worker);
    w.start();
    worker.exit = 1;
    w.tick();
    run(w, Duration.ofSeconds(2), worker, true);
    w.stop();

    Watchdog again = watchdog(new FakeWorker(true));
    again.start();
    SupervisorState state = StateFile.read(StateFile.in(dir)).orElseThrow();
    assertThat(state.restartsWithin(Duration.ofHours(1), Instant.now())).isEqualTo(1);
    assertThat(state.restarts().get(0).reason()).isEqualTo("exit");
    assertThat(state.restarts().get(0).exitCode()).isEqualTo(1);
  }
}
