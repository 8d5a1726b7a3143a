package dev.tended.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The SQL of retention, shared by the writer ({@link SqlLedgerPruning}) and the read-only view
 * (a dry run, {@code tended show} of a pruned item): which finished items are old enough, read per
 * source and outcome along {@code items_by_state} (a finished item's {@code next_attempt_at} is its
 * finish), so a batch costs its own size, not the ledger's.
 *
 * <p>Stateless; callers hold their connection's lock.
 */
final class SqlRetention {
  private static final ItemState[] FINISHED = {ItemState.SUCCEEDED, ItemState.DEAD};

  private SqlRetention() {}

  /** Every source with an item, one index lookup per source (no scan), in name order. */
  static List<String> sources(Connection db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
        "WITH RECURSIVE s(source) AS (SELECT MIN(source) FROM items UNION ALL"
            + " SELECT (SELECT MIN(source) FROM items WHERE source > s.source) FROM s WHERE s.source IS NOT NULL)"
            + " SELECT source FROM s WHERE source IS NOT NULL")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * Calls {@code each} with up to {@code limit} items (all when negative) old enough to prune: those
   * that succeeded before {@code succeededBefore}, died before {@code deadBefore}; returns how many.
   */
  static long oldEnough(Connection db, SqlDialect dialect, long succeededBefore, long deadBefore, long limit, Consumer<PrunedItem> each)
      throws SQLException {
    long found = 0;
    try (PreparedStatement q = db.prepareStatement("SELECT seq, item_id, content_hash,"
        + " COALESCE(last_finished_at, updated_at) FROM items" + dialect.indexedBy("items_by_state")
        + " WHERE source = ? AND state = ? AND next_attempt_at < ? AND COALESCE(last_finished_at, updated_at) < ?"
        + " ORDER BY next_attempt_at, seq LIMIT ?")) {
      for (String source : sources(db)) {
        for (ItemState outcome : FINISHED) {
          if (limit >= 0 && found >= limit) {
            return found;
          }
          long before = outcome == ItemState.SUCCEEDED ? succeededBefore : deadBefore;
          q.setString(1, source);
          q.setString(2, outcome.wireName());
          q.setLong(3, before);
          q.setLong(4, before);
          q.setLong(5, limit < 0 ? Long.MAX_VALUE : limit - found);
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              each.accept(new PrunedItem(rs.getLong(1), source, rs.getString(2), rs.getString(3), outcome,
                  Instant.ofEpochMilli(rs.getLong(4))));
              found++;
            }
          }
        }
      }
    }
    return found;
  }

  /** How many identity records belong to items finished before {@code finishedBefore}. */
  static long identitiesFinishedBefore(Connection db, long finishedBefore) throws SQLException {
    try (PreparedStatement q = db.prepareStatement("SELECT COUNT(*) FROM identities WHERE finished_at < ?")) {
      q.setLong(1, finishedBefore);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The identity records of {@code source}/{@code id}, oldest finish first. */
  static List<IdentityRecord> identities(Connection db, String source, String id) throws SQLException {
    List<IdentityRecord> out = new ArrayList<>();
    try (PreparedStatement q = db.prepareStatement("SELECT content_hash, outcome, finished_at, pruned_at"
        + " FROM identities WHERE source = ? AND item_id = ? ORDER BY finished_at, content_hash")) {
      q.setString(1, source);
      q.setString(2, id);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(new IdentityRecord(source, id, rs.getString(1), ItemState.fromWire(rs.getString(2)),
              Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
    }
    return out;
  }

  /**
   * Up to {@code limit} identity records after {@code after}, in the order they were pruned: one
   * range read along {@code identities_by_prune}.
   */
  static List<IdentityRecord> prunedAfter(Connection db, PruneCursor after, int limit) throws SQLException {
    List<IdentityRecord> out = new ArrayList<>();
    try (PreparedStatement q = db.prepareStatement("SELECT source, item_id, content_hash, outcome, finished_at,"
        + " pruned_at FROM identities WHERE (pruned_at, source, item_id, content_hash) > (?, ?, ?, ?)"
        + " ORDER BY pruned_at, source, item_id, content_hash LIMIT ?")) {
      q.setLong(1, after.prunedAt().toEpochMilli());
      q.setString(2, after.source());
      q.setString(3, after.id());
      q.setString(4, after.contentHash());
      q.setInt(5, limit);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(new IdentityRecord(rs.getString(1), rs.getString(2), rs.getString(3),
              ItemState.fromWire(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5)),
              Instant.ofEpochMilli(rs.getLong(6))));
        }
      }
    }
    return out;
  }

  /** The identity record of one version, if it was pruned. */
  static Optional<IdentityRecord> identity(Connection db, String source, String id, String contentHash)
      throws SQLException {
    return identities(db, source, id).stream().filter(r -> r.contentHash().equals(contentHash)).findFirst();
  }
}
