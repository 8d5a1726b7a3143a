package dev.tended.worker.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A worker frozen from outside (SIGSTOP, a VM pause) must not blame its own parts when it wakes. */
class PauseDetectorTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration LIMIT = Duration.ofSeconds(10);
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final ProgressBoard board = new ProgressBoard(now::get);
  private final PauseDetector pauses = new PauseDetector(now::get, INTERVAL, PauseDetector.thresholdFor(INTERVAL));

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  /** One heartbeat tick as the heartbeat runs it: notice a pause, excuse it, then look for wedges. */
  private java.util.List<ProgressBoard.Wedge> tick() {
    pauses.tick().ifPresent(board::excusePause);
    return board.wedged(LIMIT);
  }

  @Test
  void ticksOnTimeAreNoPause() {
    for (int i = 0; i < 20; i++) {
      advance(INTERVAL.plusMillis(300)); // a busy machine's jitter
      assertThat(pauses.tick()).isEmpty();
    }
  }

  @Test
  void aTickLateByTheWholeFreezeIsAPauseOfThatGap() {
    advance(INTERVAL);
    assertThat(pauses.tick()).isEmpty();
    advance(Duration.ofSeconds(31));
    assertThat(pauses.tick()).hasValue(Duration.ofSeconds(30));
    advance(INTERVAL);
    assertThat(pauses.tick()).isEmpty();
  }

  @Test
  void afterAFreezeNeitherABusyNorAnIdlePartIsNamedAsWedged() {
    board.register("poll-ideas", Duration.ofSeconds(2));
    board.register("poll-qa", Duration.ofSeconds(2));
    board.register("dispatch", Duration.ofSeconds(2));
    board.started("poll-ideas"); // caught mid-poll by the freeze
    board.completed("poll-qa");
    advance(INTERVAL);
    assertThat(tick()).isEmpty();

    advance(Duration.ofSeconds(30)); // SIGSTOP ... SIGCONT

    assertThat(tick()).isEmpty();
    board.completed("poll-ideas");
    advance(INTERVAL);
    assertThat(tick()).isEmpty();
  }

  @Test
  void aPartWedgedBeforeTheFreezeIsStillWedgedAfterIt() {
    board.register("poll-ideas", Duration.ofSeconds(2));
    board.register("dispatch", Duration.ofSeconds(2));
    board.started("poll-ideas");
    for (int i = 0; i < 8; i++) { // stuck for 8 s, under the limit
      advance(INTERVAL);
      board.completed("dispatch");
      assertThat(tick()).isEmpty();
    }

    advance(Duration.ofSeconds(30)); // frozen: all but the one interval a tick may take is excused
    assertThat(tick()).isEmpty();
    java.util.List<ProgressBoard.Wedge> wedges = java.util.List.of();
    for (int i = 0; i < 3 && wedges.isEmpty(); i++) { // the poll still does not end: past the limit again
      advance(INTERVAL);
      board.completed("dispatch");
      wedges = tick();
    }
    assertThat(wedges).singleElement().satisfies(w -> {
      assertThat(w.part()).isEqualTo("poll-ideas");
      assertThat(w.stuckFor()).isEqualTo(Duration.ofSeconds(11));
    });
  }

  @Test
  void withoutTheExcuseTheFreezeWouldNameEveryPart() {
    board.register("poll-ideas", Duration.ofSeconds(2));
    board.register("dispatch", Duration.ofSeconds(2));
    advance(Duration.ofSeconds(30));
    assertThat(board.wedged(LIMIT)).hasSize(2);
  }
}
