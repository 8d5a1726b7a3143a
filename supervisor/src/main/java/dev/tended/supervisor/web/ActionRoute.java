package dev.tended.supervisor.web;

import dev.tended.config.TendedConfig;
import dev.tended.control.ControlAction;
import dev.tended.control.ControlInbox;
import dev.tended.control.ControlRequest;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.logging.Kv;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/retry|cancel|pause|resume} (form fields {@code source}, {@code id}, {@code drain}),
 * reached only with the token ({@link Router}): checks what it can read-only (the source is configured;
 * a retried item is dead), then asks the worker through the {@link ControlGate}, exactly as the commands
 * do, and answers {@code {"outcome": "done|refused|accepted|error", "message": ...}} with 200, 409, 202
 * or 400/404. Each action is logged as {@code web_action} with who asked (never the token).
 * Stateless; runs on the server's threads.
 */
final class ActionRoute implements Route {
  private static final Logger log = LoggerFactory.getLogger(ActionRoute.class);

  private final ControlAction action;
  private final TendedConfig config;
  private final LedgerReads ledger;
  private final ControlGate gate;
  private final Clock clock;
  private final Duration wait;

  ActionRoute(ControlAction action, TendedConfig config, LedgerReads ledger, ControlGate gate, Clock clock,
      Duration wait) {
    this.action = Objects.requireNonNull(action);
    this.config = Objects.requireNonNull(config);
    this.ledger = Objects.requireNonNull(ledger);
    this.gate = Objects.requireNonNull(gate);
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
    ControlGate.Answer a;
    try {
      a = gate.ask(req, wait);
    } catch (IOException e) {
      return Result.error(503, "the request could not be left for the worker: " + e.getMessage());
    }
    int status = switch (a.outcome()) {
      case DONE -> 200;
      case REFUSED -> 409;
      case ACCEPTED -> 202;
    };
    return new Result(status, a.outcome().wire(), a.message());
  }

  /** Why {@code source}/{@code id} cannot be retried (read-only), or empty when its newest version is dead. */
  private Optional<String> notDead(String source, String id) {
    List<ItemRecord> versions = ledger.read(l -> l.versions(source, id)).orElse(List.of());
    if (versions.isEmpty()) {
      return Optional.of("no item " + Kv.q(id) + " of " + source + " in the ledger");
    }
    ItemState state = versions.get(versions.size() - 1).state();
    return state == ItemState.DEAD ? Optional.empty()
        : Optional.of(source + "/" + id + " is not dead (it is " + state.wireName() + ")");
  }

  private static boolean yes(String v) {
    return v.equals("true") || v.equals("1") || v.equals("on") || v.equals("yes");
  }
}
