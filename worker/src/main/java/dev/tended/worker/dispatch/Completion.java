package dev.tended.worker.dispatch;

/** A handler thread's word to the dispatcher that one attempt of {@code source} is over. */
record Completion(String source, Kind kind) {
  enum Kind { HANDLER_SUCCEEDED, HANDLER_FAILED, NEUTRAL }
}
