package dev.tended.worker.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBoardTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ProgressBoard board = new ProgressBoard(now::get);
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void partThatKeepsCompletingCyclesIsNeverWedged() {
    board.register("poll-ideas", Duration.ofSeconds(2));
    for (int i = 0; i < 100; i++) {
      board.started("poll-ideas");
      advance(Duration.ofSeconds(1));
      board.completed("poll-ideas");
      advance(Duration.ofSeconds(2));
    }
    assertThat(board.wedged(LIMIT)).isEmpty();
  }

  @Test
  void cycleRunningPastTheLimitIsAWedgeNamingThePart() {
    board.register("poll-ideas", Duration.ofSeconds(2));
    board.register("dispatch", Duration.ofMillis(200));
    board.started("poll-ideas");
    advance(Duration.ofSeconds(59));
    board.completed("dispatch");
    assertThat(board.wedged(LIMIT)).isEmpty();
    advance(Duration.ofSeconds(2));
    board.completed("dispatch");
    assertThat(board.wedged(LIMIT)).singleElement().satisfies(w -> {
      assertThat(w.part()).isEqualTo("poll-ideas");
      assertThat(w.inCycle()).isTrue();
      assertThat(w.stuckFor()).isEqualTo(Duration.ofSeconds(61));
    });
  }

  @Test
  void aPollerIdleBecauseAnotherNodePollsItsSourceIsNotAWedgeButARunningCycleStillIs() {
    board.register("poll-ideas", Duration.ofSeconds(2));
    for (int i = 0; i < 100; i++) {
      advance(Duration.ofSeconds(2));
      board.idle("poll-ideas");
    }
    assertThat(board.wedged(LIMIT)).isEmpty();
    board.started("poll-ideas");
    advance(LIMIT.plusSeconds(1));
    board.idle("poll-ideas");
    assertThat(board.wedged(LIMIT)).extracting(ProgressBoard.Wedge::part).containsExactly("poll-ideas");
  }

  @Test
  void partThatStopsBeingScheduledIsAWedgeAfterItsPeriodPlusTheLimit() {
    board.register("poll-qa", Duration.ofSeconds(5));
    advance(Duration.ofSeconds(64));
    assertThat(board.wedged(LIMIT)).isEmpty();
    advance(Duration.ofSeconds(2));
    assertThat(board.wedged(LIMIT)).extracting(ProgressBoard.Wedge::part).containsExactly("poll-qa");
  }

  @Test
  void wedgeClearsOnceThePartCompletesACycle() {
    board.register("dispatch", Duration.ofMillis(200));
    board.started("dispatch");
    advance(Duration.ofMinutes(3));
    assertThat(board.wedged(LIMIT)).isNotEmpty();
    board.completed("dispatch");
    assertThat(board.wedged(LIMIT)).isEmpty();
  }

  @Test
  void aLongCycleThatKeepsProgressingIsNotAWedgeButOneThatStopsProgressingIs() {
    board.register("poll-ideas", Duration.ofSeconds(2));
    board.started("poll-ideas");
    for (int i = 0; i < 10; i++) {
      advance(Duration.ofSeconds(50));
      board.progressed("poll-ideas");
      assertThat(board.wedged(LIMIT)).isEmpty();
    }
    advance(Duration.ofSeconds(61));
    assertThat(board.wedged(LIMIT)).singleElement().satisfies(w -> {
      assertThat(w.part()).isEqualTo("poll-ideas");
      assertThat(w.stuckFor()).isEqualTo(Duration.ofSeconds(61));
    });
  }

  @Test
  void progressOutsideACycleDoesNotHideAPartThatStoppedBeingScheduled() {
    board.register("poll-qa", Duration.ofSeconds(5));
    advance(Duration.ofSeconds(66));
    board.progressed("poll-qa");
    assertThat(board.wedged(LIMIT)).extracting(ProgressBoard.Wedge::part).containsExactly("poll-qa");
  }

  @Test
  void aTaskOpenPastTheLimitIsAWedgeWhileEveryCycleStillTurnsAndEndingItClearsIt() {
    board.register("dispatch", Duration.ofMillis(200));
    board.taskStarted("record-ideas seq=7 id=i7");
    for (int i = 0; i < 61; i++) {
      board.started("dispatch");
      advance(Duration.ofSeconds(1));
      board.completed("dispatch");
    }
    assertThat(board.wedged(LIMIT)).singleElement().satisfies(w -> {
      assertThat(w.part()).isEqualTo("record-ideas seq=7 id=i7");
      assertThat(w.inCycle()).isTrue();
    });
    board.taskEnded("record-ideas seq=7 id=i7");
    assertThat(board.wedged(LIMIT)).isEmpty();
  }

  @Test
  void aPauseOfTheWholeProcessIsNotBlamedOnAnOpenTask() {
    board.taskStarted("record-ideas seq=1 id=a");
    advance(Duration.ofSeconds(90));
    board.excusePause(Duration.ofSeconds(80));
    assertThat(board.wedged(LIMIT)).isEmpty();
  }
}
