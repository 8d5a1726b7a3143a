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

  @Test
  void opensAfterTheThresholdOfConsecutiveFailuresAndAdmitsNothing() {
    assertThat(breaker.recordFailure()).isFalse();
    assertThat(breaker.recordFailure()).isFalse();
    assertThat(breaker.admit(4)).isEqualTo(4);
    assertThat(breaker.recordFailure()).isTrue();
    assertThat(breaker.admit(4)).isZero();
    assertThat(breaker.status().state()).isEqualTo("open");
    assertThat(breaker.status().openUntil()).isEqualTo(now.plusSeconds(60));
  }

  @Test
  void successInBetweenResetsTheCount() {
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void halfOpensAfterOpenForWithOneTrialWhoseSuccessCloses() {
    for (int i = 0; i < 3; i++) {
      breaker.recordFailure();
    }
    now = now.plusSeconds(61);
    assertThat(breaker.admit(4)).isEqualTo(1);
    breaker.started(1);
    assertThat(breaker.status().state()).isEqualTo("half-open");
    assertThat(breaker.admit(4)).isZero();
    assertThat(breaker.recordSuccess()).isTrue();
    assertThat(breaker.admit(4)).isEqualTo(4);
  }

  @Test
  void failedTrialOpensAgainForAnotherOpenFor() {
    for (int i = 0; i < 3; i++) {
      breaker.recordFailure();
    }
    now = now.plusSeconds(61);
    breaker.admit(1);
    breaker.started(1);
    assertThat(breaker.recordFailure()).isTrue();
    assertThat(breaker.admit(1)).isZero();
    assertThat(breaker.status().openUntil()).isEqualTo(now.plusSeconds(60));
  }
}
