package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.BreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private Instant now = Instant.parse("2026-11-23T10:00:00Z");
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };
  private final CircuitBreaker breaker = new CircuitBreaker(new BreakerConfig(3, Duration.ofSeconds(60)), clock);

  /** Three consecutive failures: the threshold. */
  private void open() {
    for (int i = 0; i < 3; i++) {
      breaker.recordFailure(false);
    }
  }

  @Test
  void opensAfterTheThresholdOfConsecutiveFailuresAndAdmitsNothing() {
    assertThat(breaker.recordFailure(false)).isFalse();
    assertThat(breaker.recordFailure(false)).isFalse();
    assertThat(breaker.admit(4)).isEqualTo(4);
    assertThat(breaker.recordFailure(false)).isTrue();
    assertThat(breaker.admit(4)).isZero();
    assertThat(breaker.status().state()).isEqualTo("open");
    assertThat(breaker.status().openUntil()).isEqualTo(now.plusSeconds(60));
  }

  @Test
  void successInBetweenResetsTheCount() {
    breaker.recordFailure(false);
    breaker.recordFailure(false);
    breaker.recordSuccess(false);
    breaker.recordFailure(false);
    breaker.recordFailure(false);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void halfOpensAfterOpenForWithOneTrialWhoseSuccessCloses() {
    open();
    now = now.plusSeconds(61);
    assertThat(breaker.admit(4)).isEqualTo(1);
    assertThat(breaker.started(1)).as("the attempt started now is the trial").isTrue();
    assertThat(breaker.status().state()).isEqualTo("half-open");
    assertThat(breaker.admit(4)).isZero();
    assertThat(breaker.recordSuccess(true)).isTrue();
    assertThat(breaker.admit(4)).isEqualTo(4);
  }

  @Test
  void failedTrialOpensAgainForAnotherOpenFor() {
    open();
    now = now.plusSeconds(61);
    breaker.admit(1);
    breaker.started(1);
    assertThat(breaker.recordFailure(true)).isTrue();
    assertThat(breaker.admit(1)).isZero();
    assertThat(breaker.status().openUntil()).isEqualTo(now.plusSeconds(60));
  }

  @Test
  void lateSuccessDoesNotCloseAnOpenBreaker() {
    assertThat(breaker.admit(4)).isEqualTo(4);
    assertThat(breaker.started(4)).as("attempts admitted while closed are no trial").isFalse();
    open();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);

    assertThat(breaker.recordSuccess(false)).isFalse();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.admit(4)).isZero();
    assertThat(breaker.status().openUntil()).isEqualTo(now.plusSeconds(60));
  }

  @Test
  void onlyTheHalfOpenTrialDecidesNotALateAttemptEndingBesideIt() {
    open();
    now = now.plusSeconds(61);
    assertThat(breaker.admit(4)).isEqualTo(1);
    assertThat(breaker.started(1)).isTrue();

    assertThat(breaker.recordSuccess(false)).as("a late success beside the trial").isFalse();
    assertThat(breaker.recordFailure(false)).as("a late failure beside the trial").isFalse();
    breaker.recordNeutral(false);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.admit(4)).as("the trial is still out: no second one").isZero();

    assertThat(breaker.recordSuccess(true)).isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aNeutralTrialLetsAnotherTrialThrough() {
    open();
    now = now.plusSeconds(61);
    breaker.admit(4);
    breaker.started(1);
    breaker.recordNeutral(true);
    assertThat(breaker.admit(4)).isEqualTo(1);
  }
}
