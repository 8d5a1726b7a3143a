package dev.tended.supervisor.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The watch loop's pace: the contract's "at least once a second", faster only while a first beat is awaited. */
class SupervisionTest {
  @Test
  void heartbeatIsCheckedAtLeastOnceASecond() {
    assertThat(Supervision.CHECK_INTERVAL).isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void firstBeatIsLookedForFarMoreOftenThanTheRegularCheck() {
    assertThat(Supervision.FIRST_BEAT_CHECK_INTERVAL.multipliedBy(10)).isLessThanOrEqualTo(Supervision.CHECK_INTERVAL);
  }
}
