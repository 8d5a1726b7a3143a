package dev.tended.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What differs between the ledger's SQL on SQLite and on PostgreSQL, so that one implementation of
 * the ledger's faces ({@link SqlItemLedger}, {@link SqlLedgerView}, {@link SqlLedgerAdmin}) serves
 * both and the contract suite proves the same behaviour of each. Everything else is the SQL both
 * take as it is (upserts with {@code ON CONFLICT}, {@code RETURNING}).
 */
interface SqlDialect {
  /** After a table in a {@code FROM}: the index to read along, where the database takes a hint; else empty. */
  String indexedBy(String index);

  /**
   * What ends a claim's read of due items, so that concurrent claims of other nodes skip the rows it
   * takes ({@code FOR UPDATE SKIP LOCKED}); empty where one writer holds the whole database.
   */
  String skipTaken();

  /** An SQL expression for a fresh random attempt token (32 hex digits). */
  String randomToken();

  /**
   * An SQL expression for the database's own clock in epoch milliseconds: what leases are measured
   * on, so that nodes whose clocks disagree still agree on when a lease ends.
   */
  String databaseMillis();

  /** The scalar maximum of two values ({@code MAX(a, b)} in SQLite, {@code GREATEST} in PostgreSQL). */
  String greatest();

  /** The database's own consistency check: empty when sound, else what it found. */
  List<String> integrityProblems(Connection db) throws SQLException;

  /** Whether pruning gives freed space back to the file system by itself ({@link LedgerPruning#givesSpaceBack}). */
  boolean givesSpaceBack(Connection db) throws SQLException;

  /** Gives up to {@code maxPages} free pages back; the bytes given. */
  long giveBackSpace(Connection db, int maxPages) throws SQLException;

  /** Rewrites the store so that it gives space back from now on; the bytes it shrank by. */
  long convertToGiveSpaceBack(Connection db) throws SQLException;

  /**
   * Which node polls each source, where several nodes share the database (Quartz's clustered store,
   * {@link PollerOwners}); none where one worker has the database to itself.
   */
  List<PollerOwners.PollerOwner> pollers(Connection db) throws SQLException;

  /** The schema version this build writes (the faces read what older versions lack by this number). */
  int currentSchema();
}
