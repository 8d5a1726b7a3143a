package dev.tended.supervisor.web;

import dev.tended.config.TendedConfig;
import dev.tended.control.ControlAction;
import dev.tended.control.ControlInbox;
import dev.tended.control.ControlRequest;
import dev.tended.ledger.RetryCheck;
import dev.tended.supervisor.control.OperatorRequests;
import dev.tended.logging.Kv;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/retry|cancel|pause|resume} (form fields {@code source}, {@code id}, {@code drain}),
 * reached only with the token ({@link Router}): checks what it can read-only (the source is configured;
 * a retried item is dead), then asks the worker through {@link OperatorRequests}, exactly as the commands
 * do, and answers {@code {"outcome": "done|refused|accepted|error", "message": ...}} with 200, 409, 202
 * or 400/404. Each action is logged as {@code web_action} with who asked (never the token).
 * Stateless; runs on the server's threads.
 */
final class ActionRoute implements Route {
  private static final Logger log = LoggerFactory.getLogger(ActionRoute.class);

  private final ControlAction action;
  private final TendedConfig config;
  private final LedgerReads ledger;
  private final OperatorRequests requests;
  private final Clock clock;
  private final Duration wait;

  ActionRoute(ControlAction action, TendedConfig config, LedgerReads ledger, OperatorRequests requests, Clock clock,
      Duration wait) {
    this.action = Objects.requireNonNull(action);
    this.config = Objects.requireNonNull(config);
    this.ledger = Objects.requireNonNull(ledger);
    this.requests = Objects.requireNonNull(requests);
    this.clock = Objects.requireNonNull(clock);
    this.wait = Objects.requireNonNull(wait);
  }

  @Override
  public Reply handle(Request request) throws IOException, InterruptedException {
    String source = request.field("source").orElse("");
    String id = request.field("id").orElse(null);
    Result r = decide(request, source, id);
    log.info("web_action action={} source={} id={} remote={} outcome={} status={}", action.wireName(), Kv.q(source),
        Kv.q(id == null ? "" : id), request.remote(), r.outcome(), r.status());
    return Reply.outcome(r.status(), r.outcome(), r.message());
  }

  /** The HTTP status, the outcome's word and the message of one action. */
  private record Result(int status, String outcome, String message) {
    static Result error(int status, String message) {
      return new Result(status, "error", message);
    }
  }

  private Result decide(Request request, String source, String id) throws IOException, InterruptedException {
    if (config.source(source).isEmpty()) {
      return Result.error(404, "no source " + Kv.q(source) + " in " + config.configFile());
    }
    boolean needsId = action == ControlAction.RETRY || action == ControlAction.CANCEL;
    if (needsId && id == null) {
      return Result.error(400, action.wireName() + " needs the item's id (form field id)");
    }
    if (action == ControlAction.RETRY) {
      Optional<String> notDead = notDead(source, id);
      if (notDead.isPresent()) {
        return new Result(409, "refused", notDead.get());
      }
    }
    boolean drain = action == ControlAction.PAUSE && request.field("drain").map(ActionRoute::yes).orElse(false);
    Instant now = clock.instant();
    ControlRequest req = new ControlRequest(ControlInbox.newRequestId(now), action, source, needsId ? id : null, drain,
        null, null, "web remote=" + request.remote() + " " + ControlInbox.processUser(), now);
    OperatorRequests.Reply a;
    try {
      a = requests.ask(req, wait);
    } catch (IOException e) {
      return Result.error(503, "the request could not be left for the worker: " + e.getMessage());
    }
    int status = switch (a.outcome()) {
      case DONE -> 200;
      case REFUSED -> 409;
      case ACCEPTED -> 202;
    };
    return new Result(status, a.outcome().name().toLowerCase(java.util.Locale.ROOT), a.message());
  }

  /** Why {@code source}/{@code id} cannot be retried (read-only, {@link RetryCheck}), or empty when it is dead. */
  private Optional<String> notDead(String source, String id) {
    // no ledger to read yet: it holds no item at all
    return ledger.read(l -> RetryCheck.whyNot(l, source, id)).orElse(Optional.of("is not in the ledger"))
        .map(why -> source + "/" + id + " " + why);
  }

  private static boolean yes(String v) {
    return v.equals("true") || v.equals("1") || v.equals("on") || v.equals("yes");
  }
}
