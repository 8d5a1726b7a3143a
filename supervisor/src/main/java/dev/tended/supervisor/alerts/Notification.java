package dev.tended.supervisor.alerts;

import java.time.Instant;
import java.util.Objects;

/**
 * One run of {@code alerts.command} still to be made, kept (in {@code alerts-state.json}) until the
 * command succeeded.
 *
 * @param state {@code firing} or {@code resolved} ({@code TENDED_ALERT_STATE})
 * @param at when the alert started firing, fired again or resolved
 * @param tries failed runs so far
 * @param notBefore when the next run may start (later after each failure)
 */
record Notification(AlertKey key, String state, String detail, Instant at, int tries, Instant notBefore) {
  static final String FIRING = "firing";
  static final String RESOLVED = "resolved";

  Notification {
    Objects.requireNonNull(key);
    Objects.requireNonNull(state);
    Objects.requireNonNull(at);
    detail = detail == null ? "" : detail;
    notBefore = notBefore == null ? at : notBefore;
  }

  /** The one-line summary the command reads on stdin. */
  String summary(String host) {
    return "tended " + key.alert().id() + " " + state + " on " + host
        + (key.source().isEmpty() ? "" : " source " + key.source()) + ": " + oneLine(detail);
  }

  Notification failedOnce(Instant retryAt) {
    return new Notification(key, state, detail, at, tries + 1, retryAt);
  }

  static String oneLine(String text) {
    return text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
