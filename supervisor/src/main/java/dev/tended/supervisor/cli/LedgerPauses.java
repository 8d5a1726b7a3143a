package dev.tended.supervisor.cli;

import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SourcePause;
import java.util.Map;

/**
 * The operators' pauses the ledger holds, for {@code status}: read from the ledger so they show while
 * the worker is down. A ledger that cannot say yet (the pause records are being built in another
 * part of issue 14: {@link LedgerView#pauses} throws until then) has none to show; {@code paused}
 * then comes from the status file alone.
 */
final class LedgerPauses {
  private LedgerPauses() {}

  static Map<String, SourcePause> of(LedgerView ledger) {
    try {
      return ledger.pauses();
    } catch (UnsupportedOperationException e) {
      return Map.of();
    }
  }
}
