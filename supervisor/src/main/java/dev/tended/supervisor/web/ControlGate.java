package dev.tended.supervisor.web;

import dev.tended.control.ControlRequest;
import java.io.IOException;
import java.time.Duration;

/**
 * How the dashboard asks the worker for a change: the same request files as {@code tended pause},
 * {@code cancel} and {@code retry} (the dashboard never writes the ledger). A seam so that the action
 * route can be tested without a worker.
 */
interface ControlGate {
  /** What came of a request: the worker's answer, or none within the wait (it takes effect when a worker runs). */
  record Answer(Outcome outcome, String message) {}

  /** done and refused are the worker's; accepted means submitted and not answered yet. */
  enum Outcome {
    DONE, REFUSED, ACCEPTED;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Submits {@code request} and waits up to {@code wait} for the worker's answer. */
  Answer ask(ControlRequest request, Duration wait) throws IOException, InterruptedException;
}
