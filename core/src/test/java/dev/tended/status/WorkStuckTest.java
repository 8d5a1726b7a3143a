package dev.tended.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkStuckTest {
  private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");
  private static final Instant STARTED = NOW.minus(Duration.ofHours(2));
  private static final Duration STUCK_AFTER = Duration.ofMinutes(30);

  @Test
  void dueWorkWithNoAttemptFinishedForStuckAfterIsStuckAndTheDetailSaysHowLongAndHowMuch() {
    SourceStatus s = source(false, BreakerStatus.CLOSED, 3600.0, NOW.minus(Duration.ofMinutes(45)), 2, 7);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).hasValueSatisfying(d -> assertThat(d)
        .contains("the oldest for 1h").contains("no attempt has finished for 45m").contains("stuckAfter 30m")
        .contains("2 running, about 7 waiting").contains("last finished at " + NOW.minus(Duration.ofMinutes(45))));
  }

  @Test
  void aSourceWhoseAttemptsNeverFinishedIsStuckOnceTheWorkerHasRunForStuckAfter() {
    SourceStatus s = source(false, BreakerStatus.CLOSED, 10_000.0, null, 1, 3);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).hasValueSatisfying(d -> assertThat(d)
        .contains("no attempt has finished for 2h").contains("none has ever finished"));
  }

  @Test
  void aPausedSourceIsNeverStuck() {
    SourceStatus s = source(true, BreakerStatus.CLOSED, 3600.0, NOW.minus(Duration.ofHours(1)), 0, 5);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).isEmpty();
  }

  @Test
  void aSourceHeldByAnOpenBreakerIsNotStuck() {
    BreakerStatus open = new BreakerStatus("open", 5, NOW.plusSeconds(60));
    SourceStatus s = source(false, open, 3600.0, NOW.minus(Duration.ofHours(1)), 0, 5);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).isEmpty();
  }

  @Test
  void aHalfOpenBreakerWhoseTrialHangsIsStuck() {
    BreakerStatus halfOpen = new BreakerStatus("half-open", 5, null);
    SourceStatus s = source(false, halfOpen, 3600.0, NOW.minus(Duration.ofHours(1)), 1, 5);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).isPresent();
  }

  @Test
  void aSourceWithNothingDueIsNotStuckHoweverLongAgoItLastFinished() {
    SourceStatus s = source(false, BreakerStatus.CLOSED, null, NOW.minus(Duration.ofDays(3)), 0, 0);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).isEmpty();
  }

  @Test
  void aSourceWhoseLastAttemptFinishedWithinStuckAfterIsNotStuck() {
    SourceStatus s = source(false, BreakerStatus.CLOSED, 3600.0, NOW.minus(Duration.ofMinutes(29)), 4, 100);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).isEmpty();
  }

  @Test
  void anIdleQueueThatJustGotAnItemIsNotStuckYetThoughNothingFinishedForDays() {
    SourceStatus s = source(false, BreakerStatus.CLOSED, 5.0, NOW.minus(Duration.ofDays(3)), 0, 1);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).isEmpty();
  }

  @Test
  void thatItemMakesTheSourceStuckOnceItHasWaitedStuckAfter() {
    SourceStatus s = source(false, BreakerStatus.CLOSED, 1800.0, NOW.minus(Duration.ofDays(3)), 1, 1);

    assertThat(WorkStuck.judge(status(s), "ideas", STUCK_AFTER)).hasValueSatisfying(d ->
        assertThat(d).contains("no attempt has finished for 30m"));
  }

  @Test
  void aWorkerThatStartedWithinStuckAfterIsNotStuckWhateverItsBacklogsAge() {
    SourceStatus s = source(false, BreakerStatus.CLOSED, 86_400.0, NOW.minus(Duration.ofDays(1)), 0, 50);
    WorkerStatus justStarted = new WorkerStatus(WorkerStatus.SCHEMA, 42, "running", "test",
        NOW.minus(Duration.ofMinutes(10)), NOW, 7, Map.of("ideas", s));

    assertThat(WorkStuck.judge(justStarted, "ideas", STUCK_AFTER)).isEmpty();
  }

  @Test
  void aSourceTheHeartbeatDoesNotNameIsNotStuck() {
    SourceStatus s = source(false, BreakerStatus.CLOSED, 3600.0, null, 1, 1);

    assertThat(WorkStuck.judge(status(s), "other", STUCK_AFTER)).isEmpty();
  }

  private static SourceStatus source(boolean paused, BreakerStatus breaker, Double oldestDueAge, Instant lastFinished,
      long running, long pending) {
    return new SourceStatus(NOW.minusSeconds(1), true, pending, running, 10, 0, 0, null, breaker, null, null,
        paused, oldestDueAge, lastFinished, lastFinished, 0);
  }

  private static WorkerStatus status(SourceStatus ideas) {
    return new WorkerStatus(WorkerStatus.SCHEMA, 42, "running", "test", STARTED, NOW, 7, Map.of("ideas", ideas));
  }
}
