package dev.tended.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The ledger's SQL on PostgreSQL, shared by the workers of several hosts: a claim locks the rows it
 * takes and skips those another node's claim holds ({@code FOR UPDATE SKIP LOCKED}), so two nodes
 * never take one item; the planner needs no index hints; autovacuum reuses what pruning frees.
 */
final class PostgresDialect implements SqlDialect {
  static final PostgresDialect INSTANCE = new PostgresDialect();

  private PostgresDialect() {}

  @Override
  public String indexedBy(String index) {
    return "";
  }

  @Override
  public String skipTaken() {
    return " FOR UPDATE OF i SKIP LOCKED";
  }

  @Override
  public String randomToken() {
    return "md5(random()::text || clock_timestamp()::text)";
  }

  @Override
  public String databaseMillis() {
    return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
  }

  @Override
  public String greatest() {
    return "GREATEST";
  }

  /** PostgreSQL checks its own pages (checksums, WAL); a reachable server that answers is sound here. */
  @Override
  public List<String> integrityProblems(Connection db) {
    return List.of();
  }

  /** Autovacuum makes what pruning frees reusable: the database does not grow with the items it pruned. */
  @Override
  public boolean givesSpaceBack(Connection db) {
    return true;
  }

  @Override
  public long giveBackSpace(Connection db, int maxPages) {
    return 0; // autovacuum's work, not the worker's
  }

  @Override
  public long convertToGiveSpaceBack(Connection db) {
    return 0;
  }

  @Override
  public List<PollerOwners.PollerOwner> pollers(Connection db) throws SQLException {
    return PollerOwners.read(db);
  }

  @Override
  public int currentSchema() {
    return PostgresSchema.CURRENT;
  }
}
