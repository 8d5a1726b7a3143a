package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.RetryConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final RetryConfig retry = new RetryConfig(10, Duration.ofSeconds(1), Duration.ofSeconds(30), 5);

  @Test
  void ceilingDoublesWithEachAttemptUpToTheMaximum() {
    Backoff b = new Backoff(retry, () -> 0.5);
    assertThat(b.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.ceiling(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(b.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(b.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void delayIsAFullJitterShareOfTheCeiling() {
    assertThat(new Backoff(retry, () -> 0.0).delay(4)).isEqualTo(Duration.ZERO);
    assertThat(new Backoff(retry, () -> 0.5).delay(4)).isEqualTo(Duration.ofSeconds(4));
    assertThat(new Backoff(retry, () -> 0.999).delay(4)).isLessThan(Duration.ofSeconds(8))
        .isGreaterThan(Duration.ofMillis(7900));
  }

  @Test
  void averageDelayGrowsWithAttemptsUnderRealRandomness() {
    java.util.Random random = new java.util.Random(42);
    Backoff b = new Backoff(retry, random::nextDouble);
    double previous = 0;
    for (int attempt = 1; attempt <= 5; attempt++) {
      double sum = 0;
      for (int i = 0; i < 2000; i++) {
        sum += b.delay(attempt).toMillis();
      }
      double mean = sum / 2000;
      assertThat(mean).isGreaterThan(previous * 1.6);
      previous = mean;
    }
  }
}
