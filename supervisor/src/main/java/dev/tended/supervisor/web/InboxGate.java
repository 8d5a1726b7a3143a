package dev.tended.supervisor.web;

import dev.tended.control.ControlRequest;
import dev.tended.supervisor.control.OperatorRequests;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/** The dashboard's {@link ControlGate} in production: the commands' own {@link OperatorRequests}. */
final class InboxGate implements ControlGate {
  private final OperatorRequests requests;

  InboxGate(OperatorRequests requests) {
    this.requests = Objects.requireNonNull(requests);
  }

  @Override
  public Answer ask(ControlRequest request, Duration wait) throws IOException, InterruptedException {
    OperatorRequests.Reply r = requests.ask(request, wait);
    return new Answer(switch (r.outcome()) {
      case DONE -> Outcome.DONE;
      case REFUSED -> Outcome.REFUSED;
      case ACCEPTED -> Outcome.ACCEPTED;
    }, r.outcome() == OperatorRequests.Outcome.ACCEPTED
        ? "accepted; no worker has taken it yet (it takes effect when the worker runs)" : r.message());
  }
}
