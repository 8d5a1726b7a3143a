package dev.tended.worker.control;

import dev.tended.control.ControlAnswer;

/** What applying one request came to: an answer now, a cancel whose handler is stopping, or a look again later. */
sealed interface Applied {
  /** Took effect or was refused: answer it and delete the request. */
  record Answered(ControlAnswer answer) implements Applied {}

  /**
   * A cancel whose handler was asked to stop: the request stays (a crash re-applies it) until the
   * item {@code seq} is no longer running, then it is answered.
   */
  record Stopping(long seq) implements Applied {}

  /** Cannot be decided yet (the item is claimed and its handler not started): the request stays. */
  record Later(String why) implements Applied {}
}
