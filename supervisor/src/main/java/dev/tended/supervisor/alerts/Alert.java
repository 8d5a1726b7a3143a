package dev.tended.supervisor.alerts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The alerts tended raises ({@code TENDED_ALERT}); the names are an interface (scripts match on
 * them). Each is judged by {@link AlertConditions}.
 */
public enum Alert {
  ITEM_DEAD,
  BREAKER_OPEN,
  QUEUE_FAULT,
  WORK_STUCK,
  DISK_LOW,
  LEDGER_DAMAGED,
  WORKER_STALLED,
  WORKER_CRASH_LOOPING,
  WORKER_RESTARTED;

  /** The name as the command sees it, e.g. {@code item_dead}. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The alert named {@code id} (as {@link #id()} gives it). */
  @JsonCreator
  public static Alert of(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
