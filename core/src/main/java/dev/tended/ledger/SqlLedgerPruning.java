package dev.tended.ledger;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@link LedgerPruning} on the connection of a writer face (the worker's {@link SqlItemLedger},
 * the operator's {@link SqlLedgerAdmin}): each call holds that face's lock for one batch, so the
 * worker's claims and finishes queue behind one batch at most and never behind the busy handler of a
 * second connection.
 *
 * <p>Thread-safe: every method holds the owner's lock around the shared connection.
 */
final class SqlLedgerPruning implements LedgerPruning {
  private final LedgerSession db;
  private final Object lock;
  private final Clock clock;

  SqlLedgerPruning(LedgerSession db, Object lock, Clock clock) {
    this.db = Objects.requireNonNull(db);
    this.lock = Objects.requireNonNull(lock);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public List<PrunedItem> pruneFinished(Instant succeededBefore, Instant deadBefore, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    synchronized (lock) {
      long now = clock.millis();
      return db.inTransaction("prune finished items", () -> {
        List<PrunedItem> pruned = new ArrayList<>();
        SqlRetention.oldEnough(db.connection(), db.dialect(), succeededBefore.toEpochMilli(), deadBefore.toEpochMilli(), limit,
            pruned::add);
        if (pruned.isEmpty()) {
          return pruned;
        }
        try (PreparedStatement id = db.connection().prepareStatement("INSERT INTO identities"
            + " (source, item_id, content_hash, outcome, finished_at, pruned_at) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (source, item_id, content_hash) DO UPDATE SET outcome = excluded.outcome,"
            + " finished_at = excluded.finished_at, pruned_at = excluded.pruned_at")) {
          for (PrunedItem p : pruned) {
            id.setString(1, p.source());
            id.setString(2, p.id());
            id.setString(3, p.contentHash());
            id.setString(4, p.outcome().wireName());
            id.setLong(5, p.finishedAt().toEpochMilli());
            id.setLong(6, now);
            id.addBatch();
          }
          id.executeBatch();
        }
        String in = pruned.stream().map(p -> String.valueOf(p.seq())).collect(Collectors.joining(",", "(", ")"));
        try (var st = db.connection().createStatement()) {
          st.executeUpdate("DELETE FROM transitions WHERE item_seq IN " + in);
          st.executeUpdate("DELETE FROM handlers WHERE item_seq IN " + in);
          st.executeUpdate("DELETE FROM items WHERE seq IN " + in
              + " AND state IN ('succeeded', 'dead')"); // read in this transaction: still finished
        }
        return pruned;
      });
    }
  }

  @Override
  public List<IdentityRecord> identitiesPrunedAfter(PruneCursor after, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    synchronized (lock) {
      return db.query("read the identity records pruned since " + after.prunedAt(),
          () -> SqlRetention.prunedAfter(db.connection(), after, limit));
    }
  }

  @Override
  public int forgetIdentities(Instant finishedBefore, int limit) {
    if (limit <= 0) {
      return 0;
    }
    synchronized (lock) {
      return db.inTransaction("forget identity records", () -> {
        try (PreparedStatement del = db.connection().prepareStatement("DELETE FROM identities"
            + " WHERE (source, item_id, content_hash) IN (SELECT source, item_id, content_hash FROM identities"
            + db.dialect().indexedBy("identities_by_finish") + " WHERE finished_at < ? LIMIT ?)")) {
          del.setLong(1, finishedBefore.toEpochMilli());
          del.setInt(2, limit);
          return del.executeUpdate();
        }
      });
    }
  }

  @Override
  public long giveBackSpace(int maxPages) {
    synchronized (lock) {
      return db.query("give free pages back", () -> db.dialect().giveBackSpace(db.connection(), maxPages));
    }
  }

  @Override
  public boolean givesSpaceBack() {
    synchronized (lock) {
      return db.query("read the vacuum mode", () -> db.dialect().givesSpaceBack(db.connection()));
    }
  }

  @Override
  public long convertToGiveSpaceBack() {
    synchronized (lock) {
      return db.query("rewrite the ledger to give space back", () -> db.dialect().convertToGiveSpaceBack(db.connection()));
    }
  }
}
