package dev.tended.ledger;

import java.time.Clock;
import java.util.Objects;

/**
 * How a ledger on SQL opens its faces, whatever the database: writers on a session whose schema is
 * brought to the current version first, the view on a read-only session whose schema is only
 * checked. A session that fails to get there is closed before the error goes up. The databases
 * supply the sessions and the schema's steps.
 */
abstract class SqlLedgerStore implements LedgerStore {
  /** A writer's session, schema not yet looked at. */
  abstract LedgerSession openWriteSession();

  /** A read-only session, schema not yet looked at. */
  abstract LedgerSession openReadSession();

  /** Brings the session's schema to the current version (or refuses a newer one). */
  abstract void migrate(LedgerSession session);

  /** The schema version the view reads by (refusing a missing or newer one). */
  abstract int checkReadable(LedgerSession session);

  /** Who writes through the item ledgers this store opens. */
  abstract LedgerNode node();

  @Override
  public final ItemLedger openItemLedger(Clock clock) {
    Objects.requireNonNull(clock);
    return new SqlItemLedger(openMigrated(), clock, node());
  }

  @Override
  public final LedgerView openView() {
    LedgerSession session = openReadSession();
    try {
      return new SqlLedgerView(session, checkReadable(session));
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  @Override
  public final LedgerAdmin openAdmin(Clock clock) {
    Objects.requireNonNull(clock);
    return new SqlLedgerAdmin(openMigrated(), clock);
  }

  private LedgerSession openMigrated() {
    LedgerSession session = openWriteSession();
    try {
      migrate(session);
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }
}
