package dev.tended.worker.dispatch;

/**
 * What arrives in the dispatcher's inbox: a nudge (new items were recorded), a finished attempt, an
 * attempt whose outcome cannot be recorded yet, or an operator's pause or resume of a source. Immutable values, so that handler threads and
 * pollers never touch the dispatcher's own state.
 */
sealed interface DispatchMessage permits Completion, RecordFailing, LaneHold, DispatchMessage.Nudge {
  /** New items were recorded: look at every ledger now. */
  enum Nudge implements DispatchMessage { NOW }
}
