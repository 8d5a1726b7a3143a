package dev.tended.supervisor.alerts;

import java.util.Objects;

/**
 * What one alert is about: the alert and its source ({@code ""} when it is not about a source). Two
 * conditions with one key are one alert: it fires once, however often it is judged.
 */
public record AlertKey(Alert alert, String source) {
  public AlertKey {
    Objects.requireNonNull(alert);
    source = source == null ? "" : source;
  }

  /** An alert about the installation as a whole. */
  static AlertKey of(Alert alert) {
    return new AlertKey(alert, "");
  }

  @Override
  public String toString() {
    return source.isEmpty() ? alert.id() : alert.id() + "/" + source;
  }
}
