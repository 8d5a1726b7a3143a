package dev.tended.supervisor.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallDetectorTest {
  private final FakeClock clock = new FakeClock();
  private final StallDetector detector = new StallDetector(Duration.ofSeconds(120), Duration.ofSeconds(60));

  @Test
  void advancingSequenceKeepsTheWorkerHealthy() {
    detector.workerStarted(clock.nanos(), pid -> pid == 42);
    for (long seq = 1; seq <= 100; seq++) {
      clock.advance(Duration.ofSeconds(5));
      detector.observe(clock.nanos(), 42, seq);
      assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.HEALTHY);
    }
  }

  @Test
  void sequenceThatStopsAdvancingIsStaleExactlyAtStaleAfter() {
    detector.workerStarted(clock.nanos(), pid -> pid == 42);
    clock.advance(Duration.ofSeconds(1));
    detector.observe(clock.nanos(), 42, 7);
    clock.advance(Duration.ofSeconds(119));
    detector.observe(clock.nanos(), 42, 7);
    assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.HEALTHY);
    clock.advance(Duration.ofSeconds(1));
    StallDetector.Assessment a = detector.assess(clock.nanos());
    assertThat(a.kind()).isEqualTo(StallDetector.Kind.STALE);
    assertThat(a.silentNanos()).isEqualTo(Duration.ofSeconds(120).toNanos());
    assertThat(a.limit()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void freshWorkerHasStartupGraceForItsFirstBeat() {
    detector.workerStarted(clock.nanos(), pid -> pid == 42);
    clock.advance(Duration.ofSeconds(59));
    assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.STARTING);
    clock.advance(Duration.ofSeconds(1));
    StallDetector.Assessment a = detector.assess(clock.nanos());
    assertThat(a.kind()).isEqualTo(StallDetector.Kind.STALE);
    assertThat(a.beatSeen()).isFalse();
    assertThat(a.limit()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void statusWrittenByAnotherPidIsNotABeat() {
    detector.workerStarted(clock.nanos(), pid -> pid == 42);
    for (long seq = 1; seq <= 20; seq++) {
      clock.advance(Duration.ofSeconds(5));
      assertThat(detector.observe(clock.nanos(), 4242, seq)).isEqualTo(StallDetector.Observation.FOREIGN_PID);
    }
    assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.STALE);
  }

  @Test
  void beatsOfAPidTheWorkerControlOwnsCountEvenWhenItIsNotTheChild() {
    // child 42 is a wrapper shell; the JVM it started without exec is 43 and writes the status file
    detector.workerStarted(clock.nanos(), pid -> pid == 42 || pid == 43);
    for (long seq = 1; seq <= 40; seq++) {
      clock.advance(Duration.ofSeconds(5));
      assertThat(detector.observe(clock.nanos(), 43, seq)).isEqualTo(StallDetector.Observation.BEAT);
      assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.HEALTHY);
    }
    clock.advance(Duration.ofSeconds(120));
    assertThat(detector.observe(clock.nanos(), 43, 40)).isEqualTo(StallDetector.Observation.UNCHANGED);
    assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.STALE);
  }

  @Test
  void previousWorkersLastBeatIsNotTheNewWorkersFirst() {
    detector.workerStarted(clock.nanos(), pid -> true); // systemctl mode: any pid counts
    detector.observe(clock.nanos(), 10, 99);
    clock.advance(Duration.ofSeconds(200));
    detector.workerStarted(clock.nanos(), pid -> true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(detector.observe(clock.nanos(), 10, 99)).isEqualTo(StallDetector.Observation.UNCHANGED);
    assertThat(detector.assess(clock.nanos()).beatSeen()).isFalse();
    assertThat(detector.observe(clock.nanos(), 11, 1)).isEqualTo(StallDetector.Observation.BEAT);
    assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.HEALTHY);
  }

  @Test
  void aPauseOfTheSupervisorItselfIsNotBlamedOnTheWorker() {
    detector.workerStarted(clock.nanos(), pid -> pid == 42);
    detector.observe(clock.nanos(), 42, 1);
    clock.advance(Duration.ofSeconds(100));
    clock.advance(Duration.ofMinutes(30)); // the VM was suspended
    detector.excuse(Duration.ofMinutes(30).toNanos());
    assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.HEALTHY);
    clock.advance(Duration.ofSeconds(20));
    assertThat(detector.assess(clock.nanos()).kind()).isEqualTo(StallDetector.Kind.STALE);
  }

  @Test
  void healthyTimeCountsFromTheFirstBeat() {
    detector.workerStarted(clock.nanos(), pid -> pid == 42);
    clock.advance(Duration.ofSeconds(10));
    detector.observe(clock.nanos(), 42, 1);
    clock.advance(Duration.ofSeconds(5));
    detector.observe(clock.nanos(), 42, 2);
    assertThat(detector.assess(clock.nanos()).healthyNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
  }
}
