package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemState;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.HandlerResult.Ending;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VerdictTest {
  private static HandlerResult ended(Ending ending, String detail) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    return new HandlerResult(ending, -1, at, at, "", "", detail);
  }

  @Test
  void anItemItsProgramCannotBeGivenIsDeadAtOnceAndNeverCountsAgainstTheBreaker() {
    Verdict v = Verdict.of(ended(Ending.ITEM_NOT_PASSABLE, "cannot start: error=7, Argument list too long"), 1, 5);
    assertThat(v.state()).isEqualTo(ItemState.DEAD);
    assertThat(v.forBreaker()).isEqualTo(Completion.Kind.NEUTRAL);
    assertThat(v.detail()).contains("Argument list too long").contains("dead without retry");
  }

  @Test
  void aProgramThatCannotStartIsTheHandlersFailure() {
    Verdict v = Verdict.of(ended(Ending.FAILED_TO_START, "cannot start: no such file: ./h.sh"), 1, 5);
    assertThat(v.state()).isEqualTo(ItemState.FAILED);
    assertThat(v.forBreaker()).isEqualTo(Completion.Kind.HANDLER_FAILED);
  }

  @Test
  void aHandlerStoppedForALimitOrForNoProgressFailedItsAttemptLikeATimeout() {
    for (Ending ending : new Ending[] {Ending.LIMIT_EXCEEDED, Ending.NO_PROGRESS}) {
      String detail = ending == Ending.NO_PROGRESS ? "no progress for 2s" : "process limit exceeded: 257 processes over 256";
      assertThat(Verdict.of(ended(ending, detail), 1, 2)).as("%s", ending)
          .isEqualTo(new Verdict(ItemState.FAILED, Verdict.ending(ending), detail, true));
      assertThat(Verdict.of(ended(ending, detail), 2, 2).state()).as("%s, last attempt", ending).isEqualTo(ItemState.DEAD);
    }
  }

  @Test
  void aHandlerTheOomKillerKilledFailedItsAttemptAndTheVerdictSaysWhoKilledIt() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    String oom = " (SIGKILL): killed by the kernel's OOM killer (1 OOM kill in the worker's cgroup during the attempt,"
        + " /sys/fs/cgroup/tended.service/memory.events)";
    HandlerResult killed = new HandlerResult(Ending.EXITED, 137, at, at, "", "", "exited with code 137" + oom
        + "; stopped 1 leftover process");

    assertThat(Verdict.of(killed, 1, 3)).isEqualTo(new Verdict(ItemState.FAILED, AttemptEnding.EXITED, "exit 137" + oom, true));
    assertThat(Verdict.of(new HandlerResult(Ending.EXITED, 137, at, at, "", "", "exited with code 137"), 1, 3).detail())
        .isEqualTo("exit 137");
  }

  @Test
  void threeItemFaultsInARowLeaveTheBreakerClosed() {
    CircuitBreaker breaker = new CircuitBreaker(new dev.tended.config.BreakerConfig(1, java.time.Duration.ofMinutes(1)),
        java.time.Clock.systemUTC());
    for (int i = 0; i < 3; i++) {
      Verdict v = Verdict.of(ended(Ending.ITEM_NOT_PASSABLE, "too long"), 1, 5);
      if (v.forBreaker() == Completion.Kind.HANDLER_FAILED) {
        breaker.recordFailure(false);
      } else {
        breaker.recordNeutral(false);
      }
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }
}
