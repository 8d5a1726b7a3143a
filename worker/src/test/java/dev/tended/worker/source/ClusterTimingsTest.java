package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The clustered ownership's timings keep the failover within staleAfter from 10.5 s on, and say so below. */
class ClusterTimingsTest {

  @Test
  void fromTheShortestStaleAfterOnTheFailoverStaysWithinStaleAfter() {
    assertThat(ClusterTimings.shortestStaleAfter()).isEqualTo(Duration.ofMillis(10_500));
    for (Duration staleAfter : List.of(Duration.ofMillis(10_500), Duration.ofSeconds(12), Duration.ofSeconds(30),
        Duration.ofSeconds(120))) {
      assertThat(ClusterTimings.from(staleAfter).failoverBound(Duration.ZERO)).as("staleAfter %s", staleAfter)
          .isLessThanOrEqualTo(staleAfter);
    }
  }

  @Test
  void belowTheShortestStaleAfterTheFailoverTakesLonger() {
    Duration staleAfter = Duration.ofSeconds(5);
    assertThat(ClusterTimings.from(staleAfter).failoverBound(Duration.ZERO)).isGreaterThan(staleAfter)
        .isEqualTo(ClusterTimings.shortestStaleAfter());
  }
}
