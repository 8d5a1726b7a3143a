package dev.tended.worker.control;

import dev.tended.control.ControlAnswer;
import dev.tended.control.ControlAnswer.Outcome;
import dev.tended.control.ControlRequest;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.RetryCheck;
import dev.tended.ledger.SourcePause;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies one operator's request: the durable part in the ledger (a pause, a resume, a retry, a
 * waiting item's cancel), the running part through {@link OperatorControls} (the dispatcher's lane,
 * a handler to stop). Applying a request twice has the effect of applying it once, so that a request
 * found again after a crash is simply applied again: a pause of a paused source is done, a cancel of
 * an item already dead is done.
 */
final class RequestApplier {
  private final ItemLedger ledger;
  private final LedgerView view;
  private final OperatorControls controls;
  private final Set<String> sources;
  private final boolean shared;
  private final Clock clock;

  /** @param shared whether other nodes share the ledger (then a cancel may ask another node to stop its handler) */
  RequestApplier(ItemLedger ledger, LedgerView view, OperatorControls controls, Set<String> sources, boolean shared,
      Clock clock) {
    this.ledger = ledger;
    this.view = view;
    this.controls = controls;
    this.sources = Set.copyOf(sources);
    this.shared = shared;
    this.clock = clock;
  }

  Applied apply(ControlRequest r) {
    String askedBy = r.askedBy();
    if (!sources.contains(r.source()) && r.action() != dev.tended.control.ControlAction.RESUME) {
      return refused(r, "no source \"" + r.source() + "\" in the configuration (sources: "
          + String.join(", ", sources.stream().sorted().toList()) + ")");
    }
    return switch (r.action()) {
      case PAUSE -> pause(r, askedBy);
      case RESUME -> resume(r);
      case RETRY -> retry(r, askedBy);
      case RETRY_DEAD -> retryDead(r, askedBy);
      case CANCEL -> cancel(r, askedBy);
    };
  }

  /**
   * The answer to a cancel whose handler was stopping, once item {@code seq} is no longer running;
   * empty while it runs, or when it was handed back (a pause, a take-over) and claimed again before
   * this look could end it dead while it waited.
   */
  Optional<ControlAnswer> stopped(ControlRequest r, long seq) {
    Optional<ItemRecord> now = version(r, seq);
    String name = r.source() + "/" + r.itemId();
    if (now.isPresent() && now.get().state() == ItemState.RUNNING) {
      return Optional.empty();
    }
    if (now.isPresent() && (now.get().state() == ItemState.PENDING || now.get().state() == ItemState.FAILED)) {
      return controls.cancelWaiting(r.source(), r.itemId(), r.askedBy()).map(dead -> answer(r, Outcome.DONE, name
          + " cancelled: its handler stopped before the cancel reached it and the item waited; it is dead"
          + " (no attempt counted)", List.of(r.itemId())));
    }
    if (now.isPresent() && now.get().state() != ItemState.DEAD) {
      return Optional.of(answer(r, Outcome.REFUSED, name + " ended before the cancel took effect: it is "
          + now.get().state().wireName(), List.of(r.itemId())));
    }
    return Optional.of(answer(r, Outcome.DONE, name + " cancelled: its handler was stopped, the item is dead"
        + now.map(i -> " (" + i.lastError() + ")").orElse(""), List.of(r.itemId())));
  }

  private Optional<ItemRecord> version(ControlRequest r, long seq) {
    return view.versions(r.source(), r.itemId()).stream().filter(v -> v.seq() == seq).findFirst();
  }

  private Applied pause(ControlRequest r, String askedBy) {
    ledger.pause(new SourcePause(r.source(), r.drain(), clock.instant(), askedBy));
    controls.pause(r.source(), r.drain(), askedBy);
    return done(r, r.source() + " is paused: nothing new starts"
        + (r.drain() ? "; running handlers finish (draining)" : "; running handlers are stopped and their items handed"
        + " back (no attempt counted)"), List.of());
  }

  private Applied resume(ControlRequest r) {
    boolean was = ledger.resume(r.source());
    controls.resume(r.source());
    return done(r, was ? r.source() + " is resumed: its items start again" : r.source() + " was not paused", List.of());
  }

  private Applied retry(ControlRequest r, String askedBy) {
    Optional<ItemRecord> again = ledger.retryDead(r.source(), r.itemId(), "retried by an operator (" + askedBy + ")");
    if (again.isPresent()) {
      controls.nudge();
      return done(r, r.source() + "/" + r.itemId() + " is pending again (attempts reset)", List.of(r.itemId()));
    }
    return refused(r, r.source() + "/" + r.itemId() + " " + RetryCheck.whyNot(view, r.source(), r.itemId())
        .orElse("is not dead"));
  }

  private Applied retryDead(ControlRequest r, String askedBy) {
    List<ItemRecord> again = ledger.retryDead(r.deadSelection(), "retried by an operator (" + askedBy + ")");
    if (!again.isEmpty()) {
      controls.nudge();
    }
    return done(r, again.size() + " dead item(s) of " + r.source() + " pending again (attempts reset)",
        again.stream().map(ItemRecord::id).toList());
  }

  private Applied cancel(ControlRequest r, String askedBy) {
    String name = r.source() + "/" + r.itemId();
    Optional<ItemRecord> running = controls.cancelRunning(r.source(), r.itemId(), askedBy);
    if (running.isPresent()) {
      return new Applied.Stopping(running.get().seq());
    }
    List<ItemRecord> versions = view.versions(r.source(), r.itemId());
    Optional<ItemRecord> elsewhere = versions.stream().filter(v -> v.state() == ItemState.RUNNING).findFirst();
    if (shared && elsewhere.isPresent()) {
      // Run by another node, or claimed here and not started: the node that runs it stops it.
      return ledger.askCancel(elsewhere.get().seq(), askedBy) ? new Applied.Stopping(elsewhere.get().seq())
          : new Applied.Later("it ended while the cancel was asked");
    }
    Optional<ItemRecord> waiting = controls.cancelWaiting(r.source(), r.itemId(), askedBy);
    if (waiting.isPresent()) {
      return done(r, name + " cancelled while it waited: the item is dead (no attempt counted)", List.of(r.itemId()));
    }
    if (versions.isEmpty()) {
      return refused(r, "no item " + name + " in the ledger");
    }
    ItemState last = versions.get(versions.size() - 1).state();
    return switch (last) {
      case RUNNING -> new Applied.Later("claimed, its handler not started yet");
      case DEAD -> done(r, name + " is dead already", List.of(r.itemId()));
      default -> refused(r, name + " is neither running nor waiting: it is " + last.wireName());
    };
  }

  private Applied done(ControlRequest r, String message, List<String> items) {
    return new Applied.Answered(answer(r, Outcome.DONE, message, items));
  }

  private Applied refused(ControlRequest r, String message) {
    return new Applied.Answered(answer(r, Outcome.REFUSED, message, List.of()));
  }

  private ControlAnswer answer(ControlRequest r, Outcome outcome, String message, List<String> items) {
    return new ControlAnswer(r.requestId(), outcome, message, items, clock.instant());
  }
}
