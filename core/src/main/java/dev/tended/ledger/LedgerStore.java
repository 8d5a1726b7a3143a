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

  /**
   * False when there is no ledger yet (a data folder where no worker has run): readers then show
   * nothing rather than create one. A database is taken to be there; reaching it is its open's matter.
   */
  boolean present();

  /** Where it is, for messages (never with a password). */
  String describe();
}
