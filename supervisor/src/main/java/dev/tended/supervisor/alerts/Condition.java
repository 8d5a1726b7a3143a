package dev.tended.supervisor.alerts;

import java.util.Objects;

/**
 * One alert's condition, found to hold now.
 *
 * @param detail what a person reads ({@code TENDED_ALERT_DETAIL})
 * @param occurrence what makes this occurrence this one (the newest dead item, the restart's time):
 *     when it changes while the alert fires, the alert is sent again at once with the new detail;
 *     {@code ""} for a condition that merely holds; null when it cannot be told this time (the one
 *     remembered stands)
 */
record Condition(AlertKey key, String detail, String occurrence) {
  Condition {
    Objects.requireNonNull(key);
    Objects.requireNonNull(detail);
  }
}
