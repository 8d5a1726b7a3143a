package dev.tended.worker.dispatch;

import dev.tended.ledger.ItemState;
import dev.tended.worker.handler.HandlerResult;

/**
 * What one attempt's ending means, by the handler protocol: exit 0 succeeded; exit 65 (EX_DATAERR)
 * dead at once; exit 75 (EX_TEMPFAIL), any other exit, a timeout, a limit exceeded, no progress or a
 * program that could not start: failed, retried until {@code maxAttempts}, then dead. An item its program could not be given (an
 * id too big for exec's environment) is dead at once and, like exit 65, not the handler's failure:
 * an item's own fault never counts against its source's circuit breaker. The one classification both the ledger
 * transition ({@link #state}) and the circuit breaker ({@link #forBreaker}) read.
 *
 * @param state SUCCEEDED, FAILED or DEAD
 * @param countsAgainstHandler whether the circuit breaker counts it as the handler failing
 */
record Verdict(ItemState state, String detail, boolean countsAgainstHandler) {
  static final int EX_DATAERR = 65;
  static final int EX_TEMPFAIL = 75;

  static Verdict of(HandlerResult result, int attempt, int maxAttempts) {
    String why;
    switch (result.ending()) {
      case EXITED -> {
        if (result.exitCode() == 0) {
          return new Verdict(ItemState.SUCCEEDED, "exit 0", false);
        }
        if (result.exitCode() == EX_DATAERR) {
          return new Verdict(ItemState.DEAD, "exit 65 (data error): dead without retry", false);
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
    return failure(why, attempt, maxAttempts);
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
  static Verdict failure(String why, int attempt, int maxAttempts) {
    if (attempt >= maxAttempts) {
      return new Verdict(ItemState.DEAD, why + "; dead after " + attempt + " attempts", true);
    }
    return new Verdict(ItemState.FAILED, why, true);
  }

  /** An item that no retry can help (its request cannot be built): dead now, not the handler's fault. */
  static Verdict deadAtOnce(String why) {
    return new Verdict(ItemState.DEAD, why + "; dead without retry", false);
  }

  /** What the circuit breaker counts: the handler succeeding, failing, or neither (the item's own fault). */
  Completion.Kind forBreaker() {
    if (state == ItemState.SUCCEEDED) {
      return Completion.Kind.HANDLER_SUCCEEDED;
    }
    return countsAgainstHandler ? Completion.Kind.HANDLER_FAILED : Completion.Kind.NEUTRAL;
  }
}
