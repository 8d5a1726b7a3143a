package dev.tended.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PaceTest {
  @Test
  void aQuickRunGetsTheFloor() {
    assertThat(Pace.measured(800, Duration.ofSeconds(20).toNanos(), 2_000).stallLimit()).isEqualTo(Pace.STALL_FLOOR);
  }

  @Test
  void aMachineThatStartsSlowlyWaitsLongerForTheNextItem() {
    assertThat(Pace.measured(24_000, Duration.ofSeconds(20).toNanos(), 2_000).stallLimit())
        .isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void slowItemsWaitLongerToo() {
    assertThat(Pace.measured(800, Duration.ofSeconds(100).toNanos(), 100).stallLimit())
        .isEqualTo(Duration.ofSeconds(100));
  }

  @Test
  void aRunThatFinishedNothingYetStillHasALimit() {
    assertThat(Pace.measured(0, Duration.ofSeconds(1).toNanos(), 0).stallLimit()).isEqualTo(Duration.ofSeconds(100));
  }
}
