package dev.tended.supervisor.alerts;

import dev.tended.logging.Kv;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the alert state: which alerts fire (since when, last sent when) and the
 * notifications not yet delivered, in order. Each {@link #apply} turns a {@link Judgement} into
 * transitions: a condition that starts to hold fires (one notification), a new occurrence of a firing
 * alert (another item died) is sent again at once, a firing alert is sent again every
 * {@code repeatEvery}, and one whose condition no longer holds resolves (one notification). Every
 * change is written to {@code alerts-state.json} before the method returns, so a restart of the
 * supervisor neither repeats nor loses a notification. Time is given by the caller.
 *
 * <p>Thread-safe: the evaluation thread applies judgements and the sending thread takes and settles
 * notifications; every method is synchronized and short (the command runs outside it).
 */
final class AlertBook {
  private static final Logger log = LoggerFactory.getLogger(AlertBook.class);
  /** Notifications kept at most while the command keeps failing; the oldest go first. */
  static final int OUTBOX_LIMIT = 200;

  private final Path file;
  private final Duration repeatEvery;
  private final boolean sending;
  private final Map<AlertKey, AlertStateFile.Firing> firing = new LinkedHashMap<>();
  private final Deque<Notification> outbox = new ArrayDeque<>();
  /**
   * Alerts whose occurrence names one incident that never comes back (a restart, by its time): once
   * resolved, the same occurrence found again does not fire. Not item_dead: a retried item may die again.
   */
  private static final Set<Alert> INCIDENTS = EnumSet.of(Alert.WORKER_STALLED, Alert.WORKER_RESTARTED);
  /** Per incident alert, the occurrence it last resolved with. */
  private final Map<AlertKey, String> resolvedOccurrence = new LinkedHashMap<>();
  private boolean unsaved;

  private AlertBook(Path file, Duration repeatEvery, boolean sending) {
    this.file = Objects.requireNonNull(file);
    this.repeatEvery = Objects.requireNonNull(repeatEvery);
    this.sending = sending;
  }

  /**
   * The book kept in {@code file} (empty when there is none or it cannot be read: then alerts that
   * still hold fire again, which is better than never).
   *
   * @param sending whether a command is configured; without one nothing is queued, alerts are logged
   */
  static AlertBook load(Path file, Duration repeatEvery, boolean sending) {
    AlertBook book = new AlertBook(file, repeatEvery, sending);
    try {
      AlertStateFile.read(file).ifPresent(saved -> {
        saved.firing().forEach(f -> book.firing.put(f.key(), f));
        saved.resolved().forEach(r -> book.resolvedOccurrence.put(r.key(), r.occurrence()));
        if (sending) {
          book.outbox.addAll(saved.outbox());
        } else if (!saved.outbox().isEmpty()) {
          log.warn("alert_dropped count={} reason=no_command", saved.outbox().size());
          book.unsaved = true;
        }
      });
    } catch (IOException | RuntimeException e) {
      log.warn("alert_state_unreadable file={} error={} action=starting_afresh", Kv.q(file), Kv.q(e.getMessage()));
    }
    return book;
  }

  /** Applies one evaluation at {@code now}; returns the notifications it queued (or would have, without a command). */
  synchronized List<Notification> apply(Judgement judgement, Instant now) {
    List<Notification> out = new ArrayList<>();
    Map<AlertKey, Condition> holding = new LinkedHashMap<>();
    for (Condition c : judgement.holding()) {
      holding.putIfAbsent(c.key(), c);
    }
    for (Condition c : holding.values()) {
      AlertStateFile.Firing f = firing.get(c.key());
      String occurrence = c.occurrence() != null ? c.occurrence() : f != null ? f.occurrence() : "";
      if (f == null && !occurrence.isEmpty() && occurrence.equals(resolvedOccurrence.get(c.key()))) {
        continue; // an incident already resolved, seen again (no worker has beaten yet for this supervisor)
      }
      if (f == null) {
        log.warn("alert_firing alert={} source={} detail={} repeat=false", c.key().alert().id(), Kv.q(c.key().source()),
            Kv.q(c.detail()));
        firing.put(c.key(), new AlertStateFile.Firing(c.key(), c.detail(), occurrence, now, now));
        out.add(queue(new Notification(c.key(), Notification.FIRING, c.detail(), now, 0, now)));
      } else if (!occurrence.equals(f.occurrence()) && INCIDENTS.contains(c.key().alert())) {
        // A further restart before any worker beat: the same alert, now about the newest incident (not sent).
        firing.put(c.key(), new AlertStateFile.Firing(c.key(), c.detail(), occurrence, f.since(), f.lastSentAt()));
        unsaved = true;
      } else if (!occurrence.equals(f.occurrence())) {
        log.warn("alert_firing alert={} source={} detail={} repeat=new_occurrence", c.key().alert().id(),
            Kv.q(c.key().source()), Kv.q(c.detail()));
        firing.put(c.key(), new AlertStateFile.Firing(c.key(), c.detail(), occurrence, f.since(), now));
        out.add(queue(new Notification(c.key(), Notification.FIRING, c.detail(), now, 0, now)));
      } else if (!now.isBefore(f.lastSentAt().plus(repeatEvery))) {
        firing.put(c.key(), new AlertStateFile.Firing(c.key(), c.detail(), occurrence, f.since(), now));
        if (!waiting(c.key())) {
          log.warn("alert_firing alert={} source={} detail={} repeat=repeat_every", c.key().alert().id(),
              Kv.q(c.key().source()), Kv.q(c.detail()));
          out.add(queue(new Notification(c.key(), Notification.FIRING, c.detail(), now, 0, now)));
        }
        unsaved = true;
      } else if (!c.detail().equals(f.detail())) {
        // The same occurrence, described anew (ages grow): remembered, not sent.
        firing.put(c.key(), new AlertStateFile.Firing(c.key(), c.detail(), f.occurrence(), f.since(), f.lastSentAt()));
      }
    }
    for (AlertStateFile.Firing f : List.copyOf(firing.values())) {
      if (judgement.judged().contains(f.key().alert()) && !holding.containsKey(f.key())) {
        firing.remove(f.key());
        if (INCIDENTS.contains(f.key().alert()) && !f.occurrence().isEmpty()) {
          resolvedOccurrence.put(f.key(), f.occurrence());
        }
        log.info("alert_resolved alert={} source={} firing_for_s={}", f.key().alert().id(), Kv.q(f.key().source()),
            Duration.between(f.since(), now).toSeconds());
        out.add(queue(new Notification(f.key(), Notification.RESOLVED, "was: " + f.detail(), now, 0, now)));
      }
    }
    if (!out.isEmpty()) {
      unsaved = true;
    }
    save();
    return out;
  }

  private Notification queue(Notification n) {
    if (!sending) {
      return n;
    }
    outbox.addLast(n);
    while (outbox.size() > OUTBOX_LIMIT) {
      Notification dropped = outbox.removeFirst();
      log.warn("alert_dropped alert={} state={} source={} reason=outbox_full limit={}", dropped.key().alert().id(),
          dropped.state(), Kv.q(dropped.key().source()), OUTBOX_LIMIT);
    }
    return n;
  }

  private boolean waiting(AlertKey key) {
    return outbox.stream().anyMatch(n -> n.key().equals(key) && Notification.FIRING.equals(n.state()));
  }

  /** The oldest notification not yet delivered, if any. */
  synchronized Optional<Notification> next() {
    return Optional.ofNullable(outbox.peekFirst());
  }

  /** {@code n} was delivered: it leaves the outbox (if it is still its head). */
  synchronized void delivered(Notification n) {
    if (n.equals(outbox.peekFirst())) {
      outbox.removeFirst();
      unsaved = true;
      save();
    }
  }

  /** {@code n} failed: it stays first, to be tried again at {@code retryAt}. */
  synchronized Notification failed(Notification n, Instant retryAt) {
    Notification again = n.failedOnce(retryAt);
    if (n.equals(outbox.peekFirst())) {
      outbox.removeFirst();
      outbox.addFirst(again);
      unsaved = true;
      save();
    }
    return again;
  }

  /** The firing alerts, in the order they started. */
  synchronized List<AlertStateFile.Firing> firing() {
    return List.copyOf(firing.values());
  }

  /** The notifications not yet delivered, oldest first. */
  synchronized List<Notification> outbox() {
    return List.copyOf(outbox);
  }

  private void save() {
    if (!unsaved) {
      return;
    }
    try {
      AlertStateFile.write(file, new AlertStateFile.Saved(AlertStateFile.SCHEMA, List.copyOf(firing.values()),
          List.copyOf(outbox), resolvedOccurrence.entrySet().stream()
              .map(e -> new AlertStateFile.Resolved(e.getKey(), e.getValue())).toList()));
      unsaved = false;
    } catch (IOException | RuntimeException e) {
      // Kept in memory and written with the next change or evaluation.
      log.warn("alert_state_write_failed file={} error={}", Kv.q(file), Kv.q(e.getMessage()));
    }
  }
}
