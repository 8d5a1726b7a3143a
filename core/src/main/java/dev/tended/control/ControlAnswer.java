package dev.tended.control;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The worker's answer to one {@link ControlRequest}, written to {@code control/answers/<requestId>.json}
 * once the request took effect in the ledger (or was refused), so that the command or the dashboard
 * that asked can say what happened.
 *
 * @param requestId the request answered
 * @param outcome done or refused
 * @param message one line for a person, e.g. {@code "ideas/bad is pending again (attempts reset)"}
 * @param items the ids the request acted on (a bulk retry lists each), oldest first
 * @param answeredAt when the worker answered
 */
public record ControlAnswer(String requestId, Outcome outcome, String message, List<String> items,
    Instant answeredAt) {

  public ControlAnswer {
    Objects.requireNonNull(requestId);
    Objects.requireNonNull(outcome);
    Objects.requireNonNull(message);
    items = List.copyOf(items);
    Objects.requireNonNull(answeredAt);
  }

  /** Whether the request took effect. */
  public enum Outcome {
    /** It took effect (a pause of a source already paused is done too). */
    DONE,
    /** It could not: no such item, not dead, not running or waiting; {@link #message} says why. */
    REFUSED
  }
}
