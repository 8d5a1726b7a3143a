package dev.tended.worker.dispatch;

/**
 * A handler thread's word to the dispatcher that one attempt of {@code source} is over.
 *
 * @param seq the item version's ledger sequence number, which names the attempt
 * @param kind what the circuit breaker counts
 * @param trial whether the attempt was the breaker's half-open trial, the only one whose outcome
 *     may close or re-open it
 * @param unrecorded the worker stopped while recording the outcome kept failing: the last
 *     {@link RecordFailing} of this attempt still holds
 */
record Completion(String source, long seq, Kind kind, boolean trial, boolean unrecorded) implements DispatchMessage {
  enum Kind { HANDLER_SUCCEEDED, HANDLER_FAILED, NEUTRAL }
}
