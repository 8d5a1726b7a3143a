package dev.tended.supervisor.web;

import dev.tended.control.ControlAnswer;
import dev.tended.control.ControlInbox;
import dev.tended.control.ControlRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** {@link ControlGate} through {@link ControlInbox}: a request file in {@code control/requests/}, then its answer. Stateless. */
final class InboxGate implements ControlGate {
  private final ControlInbox inbox;

  InboxGate(ControlInbox inbox) {
    this.inbox = Objects.requireNonNull(inbox);
  }

  @Override
  public Answer ask(ControlRequest request, Duration wait) throws IOException, InterruptedException {
    inbox.submit(request);
    Optional<ControlAnswer> a = inbox.awaitAnswer(request.requestId(), wait);
    if (a.isEmpty()) {
      return new Answer(Outcome.ACCEPTED, "accepted; no worker has taken it yet (it takes effect when the worker runs)");
    }
    return new Answer(a.get().outcome() == ControlAnswer.Outcome.DONE ? Outcome.DONE : Outcome.REFUSED,
        a.get().message());
  }
}
