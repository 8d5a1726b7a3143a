package dev.tended.ledger;

import java.time.Clock;

/**
 * Where a ledger lives and how to open each of its three faces: the worker's {@link ItemLedger},
 * the read-only {@link LedgerView} and the operator's {@link LedgerAdmin}. The seam a second ledger
 * implementation plugs into; {@link SqliteLedgerStore} is the one that ships.
 */
public interface LedgerStore {

  /** Opens the worker's state machine, creating or migrating the schema as needed. */
  ItemLedger openItemLedger(Clock clock);

  /** Opens a read-only view: no schema change, no write lock. */
  LedgerView openView();

  /** Opens the operator's writes (creating or migrating the schema as needed, e.g. to rebuild). */
  LedgerAdmin openAdmin(Clock clock);

  /** Where it is, for messages. */
  String describe();
}
