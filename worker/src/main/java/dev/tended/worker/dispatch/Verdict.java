package dev.tended.worker.dispatch;

import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemState;
import dev.tended.worker.handler.HandlerResult;

/**
 * What one attempt's ending means, by the handler protocol: exit 0 succeeded; exit 65 (EX_DATAERR)
 * dead at once; exit 75 (EX_TEMPFAIL), any other exit, a timeout, a limit exceeded, no progress or a
 * program that could not start: failed, retried until {@code maxAttempts}, then dead. An item its program could not be given (an
 * id too big for exec's environment) is dead at once and, like exit 65, not the handler's failure:
 * an item's own fault never counts against its source's circuit breaker. A handler that died with its
 * worker (interrupted) is not the item's fault either: back to pending, or dead once it happened
 * {@code retry.maxInterruptions} times. The one classification the ledger transition ({@link #state},
 * {@link #ending}), the result file and the circuit breaker ({@link #forBreaker}) read.
 *
 * @param state SUCCEEDED, FAILED or DEAD; PENDING for an interruption that runs again
 * @param ending how the attempt ended, as the ledger records it
 * @param countsAgainstHandler whether the circuit breaker counts it as the handler failing
 */
record Verdict(ItemState state, AttemptEnding ending, String detail, boolean countsAgainstHandler) {
  static final int EX_DATAERR = 65;
  static final int EX_TEMPFAIL = 75;

  /**
   * The verdict on an attempt whose handler came to an end (not one handed back, interrupted or
   * detached: see {@link #ending(HandlerResult.Ending)} and {@link #interrupted}).
   */
  static Verdict of(HandlerResult result, int attempt, int maxAttempts) {
    AttemptEnding ending = ending(result.ending());
    String why;
    switch (result.ending()) {
      case EXITED -> {
        if (result.exitCode() == 0) {
          return new Verdict(ItemState.SUCCEEDED, ending, "exit 0", false);
        }
        if (result.exitCode() == EX_DATAERR) {
          return new Verdict(ItemState.DEAD, ending, "exit 65 (data error): dead without retry", false);
        }
        why = result.exitCode() == EX_TEMPFAIL ? "exit 75 (temporary failure)" : exit(result);
      }
      case TIMED_OUT -> why = "timed out: " + result.detail();
      case FAILED_TO_START -> why = "could not start: " + result.detail();
      case ITEM_NOT_PASSABLE -> {
        return deadAtOnce("could not start: " + result.detail());
      }
      default -> why = String.valueOf(result.detail());
    }
    return failure(ending, why, attempt, maxAttempts);
  }

  /**
   * How the ledger names the end of an attempt that ended so (the design's endings map). A cancel is
   * the worker stopping (handed back); a detached handler has not ended at all.
   *
   * @throws IllegalArgumentException for {@link HandlerResult.Ending#DETACHED}
   */
  static AttemptEnding ending(HandlerResult.Ending ending) {
    return switch (ending) {
      case EXITED -> AttemptEnding.EXITED;
      case TIMED_OUT -> AttemptEnding.TIMEOUT;
      case NO_PROGRESS -> AttemptEnding.NO_PROGRESS;
      case LIMIT_EXCEEDED -> AttemptEnding.LIMIT_EXCEEDED;
      case FAILED_TO_START, ITEM_NOT_PASSABLE -> AttemptEnding.NOT_STARTED;
      case CANCELLED -> AttemptEnding.HANDED_BACK;
      case INTERRUPTED -> AttemptEnding.INTERRUPTED;
      case DETACHED -> throw new IllegalArgumentException("a detached attempt has not ended");
    };
  }

  /**
   * {@code exit N}, with what the attempt's detail says of that exit right after its code, e.g.
   * {@code exit 137 (SIGKILL): killed by the kernel's OOM killer (…)}; the notes after it (stopped
   * leftovers, trimmed output) stay in the handler's own detail.
   */
  private static String exit(HandlerResult result) {
    String exited = "exited with code " + result.exitCode();
    String detail = result.detail();
    if (!detail.startsWith(exited + " (")) {
      return "exit " + result.exitCode();
    }
    int end = detail.indexOf("; ", exited.length());
    return "exit " + result.exitCode() + detail.substring(exited.length(), end < 0 ? detail.length() : end);
  }

  /** An attempt that failed for {@code why}: retried until {@code maxAttempts}, then dead. */
  static Verdict failure(AttemptEnding ending, String why, int attempt, int maxAttempts) {
    if (attempt >= maxAttempts) {
      return new Verdict(ItemState.DEAD, ending, why + "; dead after " + attempt + " attempts", true);
    }
    return new Verdict(ItemState.FAILED, ending, why, true);
  }

  /** An item that no retry can help (its request cannot be built): dead now, not the handler's fault. */
  static Verdict deadAtOnce(String why) {
    return new Verdict(ItemState.DEAD, AttemptEnding.NOT_STARTED, why + "; dead without retry", false);
  }

  /**
   * The handler died with its worker: not the item's fault and not the handler's. The item runs again
   * (PENDING) unless this is its {@code maxInterruptions}-th interruption; then it is dead, saying so
   * as the ledger does ({@link ItemLedger#interruptedTooOften}).
   */
  static Verdict interrupted(int interruptionsBefore, String why, int maxInterruptions) {
    int now = interruptionsBefore + 1;
    if (now >= maxInterruptions) {
      return new Verdict(ItemState.DEAD, AttemptEnding.INTERRUPTED, ItemLedger.interruptedTooOften(now, why), false);
    }
    return new Verdict(ItemState.PENDING, AttemptEnding.INTERRUPTED, why, false);
  }

  /** An operator cancelled the item: dead, the attempt not counted, nobody's fault for the breaker. */
  static Verdict cancelled(String askedBy) {
    return new Verdict(ItemState.DEAD, AttemptEnding.CANCELLED, "cancelled by an operator (" + askedBy + ")", false);
  }

  /** Whether the item is finished by this verdict (succeeded or dead), so that it gets its result file. */
  boolean finishesItem() {
    return state == ItemState.SUCCEEDED || state == ItemState.DEAD;
  }

  /** What the circuit breaker counts: the handler succeeding, failing, or neither (the item's own fault). */
  Completion.Kind forBreaker() {
    if (state == ItemState.SUCCEEDED) {
      return Completion.Kind.HANDLER_SUCCEEDED;
    }
    return countsAgainstHandler ? Completion.Kind.HANDLER_FAILED : Completion.Kind.NEUTRAL;
  }
}
