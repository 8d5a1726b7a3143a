package dev.tended.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQLite ledger's tables and their versions. The version lives in {@code meta.schema}; a file
 * older than {@link #CURRENT} is migrated step by step, each step in its own transaction together
 * with the new version number (so a crash leaves it at a whole step), and a file newer than this
 * build knows is refused with {@link LedgerSchemaException}. Only writers migrate; a read-only view
 * only checks ({@link #checkReadable}).
 */
final class SqliteSchema {
  /** The version this build writes. */
  static final int CURRENT = 8;

  /** One step: from {@code version - 1} to {@code version}. */
  private record Migration(int version, String what, List<String> statements) {}

  private static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "items, transitions and meta", List.of("""
          CREATE TABLE IF NOT EXISTS items (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            item_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            first_seen_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            last_started_at INTEGER,
            last_finished_at INTEGER,
            last_exit_code INTEGER,
            last_error TEXT,
            UNIQUE (source, item_id, content_hash))""",
          "CREATE INDEX IF NOT EXISTS items_by_state ON items (source, state, next_attempt_at, seq)",
          // the order in which a source's items of one state are claimed: first seen first
          "CREATE INDEX IF NOT EXISTS items_in_line ON items (source, state, seq)",
          """
          CREATE TABLE IF NOT EXISTS transitions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            item_seq INTEGER NOT NULL REFERENCES items (seq),
            at INTEGER NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            exit_code INTEGER,
            detail TEXT)""",
          "CREATE INDEX IF NOT EXISTS transitions_by_item ON transitions (item_seq)",
          "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")),
      // the claim's check that no older version of an id is unfinished reads along this index
      new Migration(2, "versions of an id in first-seen order",
          List.of("CREATE INDEX IF NOT EXISTS items_by_id ON items (source, item_id, seq)")),
      // issue 12: handlers outlive the worker. The claim's token marks an attempt's processes before
      // they start, each closing transition says how its attempt ended, and a running attempt's
      // processes are recorded so that the next worker can adopt them.
      new Migration(3, "attempt endings, interruptions, attempt tokens and running handlers", List.of(
          "ALTER TABLE items ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE items ADD COLUMN attempt_token TEXT",
          "ALTER TABLE transitions ADD COLUMN ending TEXT",
          """
          CREATE TABLE IF NOT EXISTS handlers (
            item_seq INTEGER PRIMARY KEY REFERENCES items (seq),
            attempt INTEGER NOT NULL,
            token TEXT NOT NULL,
            boot_id TEXT NOT NULL,
            waiter_pid INTEGER NOT NULL,
            waiter_start_ticks INTEGER NOT NULL,
            handler_pid INTEGER NOT NULL,
            handler_start_ticks INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            spec TEXT NOT NULL)""")),
      // issue 13: retention prunes finished items and their transitions, so what the metrics count and
      // what keeps identical content from running again are kept apart from them. The totals start from
      // what the file holds (every recorded ending and the last finish of each source; durations count
      // from this version on).
      new Migration(4, "attempt totals per source, and identities of pruned items", List.of(
          """
          CREATE TABLE IF NOT EXISTS source_stats (
            source TEXT PRIMARY KEY,
            last_finished_at INTEGER,
            last_succeeded_at INTEGER,
            duration_sum_ms INTEGER NOT NULL DEFAULT 0)""",
          """
          CREATE TABLE IF NOT EXISTS attempt_endings (
            source TEXT NOT NULL,
            ending TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (source, ending))""",
          """
          CREATE TABLE IF NOT EXISTS attempt_durations (
            source TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (source, bucket))""",
          """
          CREATE TABLE IF NOT EXISTS identities (
            source TEXT NOT NULL,
            item_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            outcome TEXT NOT NULL,
            finished_at INTEGER NOT NULL,
            pruned_at INTEGER NOT NULL,
            PRIMARY KEY (source, item_id, content_hash)) WITHOUT ROWID""",
          "CREATE INDEX IF NOT EXISTS identities_by_finish ON identities (finished_at)",
          """
          INSERT INTO attempt_endings (source, ending, count)
            SELECT i.source, t.ending, COUNT(*) FROM transitions t JOIN items i ON i.seq = t.item_seq
            WHERE t.ending IS NOT NULL GROUP BY i.source, t.ending""",
          """
          INSERT INTO source_stats (source, last_finished_at, last_succeeded_at, duration_sum_ms)
            SELECT source, MAX(last_finished_at), MAX(CASE WHEN state = 'succeeded' THEN last_finished_at END), 0
            FROM items GROUP BY source""")),
      // issue 14: an operator's pause of a source holds across restarts of both daemons; a starting
      // worker reads it before it claims anything.
      new Migration(5, "operators' pauses of sources", List.of("""
          CREATE TABLE IF NOT EXISTS source_controls (
            source TEXT PRIMARY KEY,
            drain INTEGER NOT NULL,
            since TEXT NOT NULL,
            asked_by TEXT NOT NULL)""")),
      // issue 15: the ledger shared by the workers of several hosts. Each running attempt belongs to a
      // node and holds a lease (on the database's clock) its node's heartbeat renews; each node's
      // last beat is kept for status. One SQLite file has one node, but the faces are the same.
      new Migration(6, "running attempts' nodes and leases, and the nodes' beats", List.of(
          "ALTER TABLE items ADD COLUMN owner_node TEXT",
          "ALTER TABLE items ADD COLUMN lease_until INTEGER",
          """
          CREATE TABLE IF NOT EXISTS nodes (
            node TEXT PRIMARY KEY,
            beat_at INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            pid INTEGER NOT NULL,
            version TEXT NOT NULL,
            running INTEGER NOT NULL)""")),
      // An operator's cancel asked through one node of an attempt another node runs: the owner reads
      // the mark at its next lease renewal and stops its handler.
      new Migration(7, "cancels asked of running attempts", List.of(
          "ALTER TABLE items ADD COLUMN cancel_asked_by TEXT")),
      // Each node removes, in its own data folder, the files of items any node pruned: it reads the
      // identity records in the order they were pruned, from where it stopped last time.
      new Migration(8, "identity records in the order they were pruned", List.of(
          "CREATE INDEX IF NOT EXISTS identities_by_prune ON identities (pruned_at, source, item_id, content_hash)")));

  private SqliteSchema() {}

  /**
   * Brings the schema of {@code session}'s file to {@link #CURRENT}; throws
   * {@link LedgerSchemaException} when it is newer. Returns the version it found.
   */
  static int migrate(LedgerSession session) {
    int found = session.query("read the schema version", () -> versionOf(session.connection()));
    refuseNewer(session, found);
    for (Migration m : MIGRATIONS) {
      if (m.version() <= found) {
        continue;
      }
      session.inTransaction("migrate the schema to version " + m.version() + " (" + m.what() + ")", () -> {
        int now = versionOf(session.connection()); // another process may have migrated meanwhile
        if (now >= m.version()) {
          return null;
        }
        try (Statement st = session.connection().createStatement()) {
          for (String sql : m.statements()) {
            st.executeUpdate(sql);
          }
          st.executeUpdate("INSERT INTO meta (key, value) VALUES ('schema', '" + m.version() + "')"
              + " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        }
        return null;
      });
    }
    return found;
  }

  /** The statements that make a new file's schema at {@code version}, as that release wrote it (for tests of migrations). */
  static List<String> statementsUpTo(int version) {
    return MIGRATIONS.stream().filter(m -> m.version() <= version).flatMap(m -> m.statements().stream()).toList();
  }

  /**
   * For a read-only view: the file must hold a schema this build can read (any version from 1 to
   * {@link #CURRENT}; the view reads what an older version lacks as its default: no interruptions,
   * no token, no recorded handler, no ending).
   */
  static int checkReadable(LedgerSession session) {
    int found = session.query("read the schema version", () -> versionOf(session.connection()));
    refuseNewer(session, found);
    if (found < 1) {
      throw new LedgerException("open ledger " + session.where() + " read-only",
          new SQLException("it has no schema yet: it needs creating or migrating by the worker"));
    }
    return found;
  }

  private static void refuseNewer(LedgerSession session, int found) {
    if (found > CURRENT) {
      throw new LedgerSchemaException(session.where(), found, CURRENT);
    }
  }

  /** The version in {@code meta}, 0 for a file without one (new, or made before there were tables). */
  static int versionOf(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet t = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")) {
      if (!t.next()) {
        return 0;
      }
    }
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'schema'")) {
      if (!rs.next()) {
        return 0;
      }
      String v = rs.getString(1);
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw new SQLException("meta.schema holds " + v + ", not a version number");
      }
    }
  }
}
