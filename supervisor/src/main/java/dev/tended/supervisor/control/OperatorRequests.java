package dev.tended.supervisor.control;

import dev.tended.control.ControlAnswer;
import dev.tended.control.ControlFolder;
import dev.tended.control.ControlInbox;
import dev.tended.control.ControlRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one way an operator's request reaches the worker, for the commands ({@code tended pause},
 * {@code resume}, {@code cancel}, {@code retry}) and the dashboard alike: leave it in the control
 * folder, wait a bounded time for the worker's answer, and say what came of it. Neither ever writes
 * the ledger; the worker applies the request, now or when it next starts.
 */
public final class OperatorRequests {
  /** What came of a request. */
  public enum Outcome {
    /** The worker applied it. */
    DONE,
    /** The worker could not (the message says why). */
    REFUSED,
    /** Left for the worker, no answer within the wait: it takes effect when a worker takes it. */
    ACCEPTED
  }

  /**
   * The reply to one request.
   *
   * @param requestId the request's id (its file in {@code control/requests/} while it waits)
   * @param outcome done, refused or accepted
   * @param message one line for a person
   * @param items the ids it acted on, oldest first (a bulk retry lists each)
   */
  public record Reply(String requestId, Outcome outcome, String message, List<String> items) {
    public Reply {
      items = List.copyOf(items);
    }
  }

  private final ControlInbox inbox;

  public OperatorRequests(ControlFolder folder) {
    this.inbox = new ControlInbox(Objects.requireNonNull(folder));
  }

  /**
   * Submits {@code request} (durable when this returns) and waits up to {@code wait} for the answer.
   *
   * @throws IOException when the request cannot be left (no folder, no right to write there)
   */
  public Reply ask(ControlRequest request, Duration wait) throws IOException, InterruptedException {
    inbox.submit(request);
    Optional<ControlAnswer> a = inbox.awaitAnswer(request.requestId(), wait);
    if (a.isEmpty()) {
      return new Reply(request.requestId(), Outcome.ACCEPTED, "accepted; no worker has taken it yet (request "
          + request.requestId() + " stays in control/requests/ and takes effect when the worker runs)", List.of());
    }
    ControlAnswer answer = a.get();
    return new Reply(request.requestId(), answer.outcome() == ControlAnswer.Outcome.DONE ? Outcome.DONE
        : Outcome.REFUSED, answer.message(), answer.items());
  }
}
