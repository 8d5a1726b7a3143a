package dev.tended.ledger;

import java.util.Locale;

/**
 * Where an item stands. {@code FAILED} is a waiting state: the item runs again at its next attempt
 * time; {@code SUCCEEDED} and {@code DEAD} are final until an operator retries a dead item.
 */
public enum ItemState {
  PENDING, RUNNING, SUCCEEDED, FAILED, DEAD;

  /** The lower-case name used in files, logs and the ledger. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state called {@code wireName}. */
  public static ItemState fromWire(String wireName) {
    return valueOf(wireName.toUpperCase(Locale.ROOT));
  }
}
