package dev.tended.supervisor.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
  @Test
  void delayStartsAtInitialAndDoublesUpToMaxAndStaysThereForever() {
    RestartBackoff b = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    assertThat(b.nextDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.nextDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.nextDelay()).isEqualTo(Duration.ofSeconds(4));
    assertThat(b.nextDelay()).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.nextDelay()).isEqualTo(Duration.ofSeconds(16));
    assertThat(b.nextDelay()).isEqualTo(Duration.ofSeconds(32));
    for (int i = 0; i < 1000; i++) {
      assertThat(b.nextDelay()).isEqualTo(Duration.ofSeconds(60));
    }
    assertThat(b.failuresInARow()).isEqualTo(1006);
  }

  @Test
  void resetBringsTheDelayBackToInitial() {
    RestartBackoff b = new RestartBackoff(Duration.ofMillis(500), Duration.ofSeconds(4));
    b.nextDelay();
    b.nextDelay();
    b.nextDelay();
    b.reset();
    assertThat(b.failuresInARow()).isZero();
    assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void initialLongerThanMaxIsRefused() {
    assertThatThrownBy(() -> new RestartBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
