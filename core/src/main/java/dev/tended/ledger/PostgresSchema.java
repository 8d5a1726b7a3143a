package dev.tended.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL ledger's tables and their versions, numbered as the SQLite ledger's so that the
 * shared faces read both alike: a new database starts at {@link #CURRENT} (what SQLite reached in five
 * steps is one here), later versions are steps from it. Workers of several nodes may start at once:
 * each step runs under a transaction-scoped advisory lock and checks the version again inside it, so
 * one node migrates and the others find it done. A database newer than this build is refused.
 */
final class PostgresSchema {
  /** The version this build writes. */
  static final int CURRENT = 8;
  /** The advisory lock key under which a node migrates (any constant shared by every node of the build). */
  private static final long MIGRATION_LOCK = 0x7465_6e64_6564L; // "tended"

  private record Migration(int version, String what, List<String> statements) {}

  private static final List<Migration> MIGRATIONS = List.of(
      new Migration(5, "items, transitions, handlers, totals, identities, pauses", List.of("""
          CREATE TABLE IF NOT EXISTS items (
            seq BIGSERIAL PRIMARY KEY,
            source TEXT NOT NULL,
            item_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            first_seen_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            last_started_at BIGINT,
            last_finished_at BIGINT,
            last_exit_code INTEGER,
            last_error TEXT,
            interruptions INTEGER NOT NULL DEFAULT 0,
            attempt_token TEXT,
            UNIQUE (source, item_id, content_hash))""",
          "CREATE INDEX IF NOT EXISTS items_by_state ON items (source, state, next_attempt_at, seq)",
          "CREATE INDEX IF NOT EXISTS items_in_line ON items (source, state, seq)",
          "CREATE INDEX IF NOT EXISTS items_by_id ON items (source, item_id, seq)",
          """
          CREATE TABLE IF NOT EXISTS transitions (
            id BIGSERIAL PRIMARY KEY,
            item_seq BIGINT NOT NULL REFERENCES items (seq),
            at BIGINT NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            exit_code INTEGER,
            detail TEXT,
            ending TEXT)""",
          "CREATE INDEX IF NOT EXISTS transitions_by_item ON transitions (item_seq)",
          """
          CREATE TABLE IF NOT EXISTS handlers (
            item_seq BIGINT PRIMARY KEY REFERENCES items (seq),
            attempt INTEGER NOT NULL,
            token TEXT NOT NULL,
            boot_id TEXT NOT NULL,
            waiter_pid BIGINT NOT NULL,
            waiter_start_ticks BIGINT NOT NULL,
            handler_pid BIGINT NOT NULL,
            handler_start_ticks BIGINT NOT NULL,
            started_at BIGINT NOT NULL,
            spec TEXT NOT NULL)""",
          """
          CREATE TABLE IF NOT EXISTS source_stats (
            source TEXT PRIMARY KEY,
            last_finished_at BIGINT,
            last_succeeded_at BIGINT,
            duration_sum_ms BIGINT NOT NULL DEFAULT 0)""",
          """
          CREATE TABLE IF NOT EXISTS attempt_endings (
            source TEXT NOT NULL,
            ending TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (source, ending))""",
          """
          CREATE TABLE IF NOT EXISTS attempt_durations (
            source TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (source, bucket))""",
          """
          CREATE TABLE IF NOT EXISTS identities (
            source TEXT NOT NULL,
            item_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            outcome TEXT NOT NULL,
            finished_at BIGINT NOT NULL,
            pruned_at BIGINT NOT NULL,
            PRIMARY KEY (source, item_id, content_hash))""",
          "CREATE INDEX IF NOT EXISTS identities_by_finish ON identities (finished_at)",
          """
          CREATE TABLE IF NOT EXISTS source_controls (
            source TEXT PRIMARY KEY,
            drain INTEGER NOT NULL,
            since TEXT NOT NULL,
            asked_by TEXT NOT NULL)""",
          "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")),
      new Migration(6, "running attempts' nodes and leases, and the nodes' beats", List.of(
          "ALTER TABLE items ADD COLUMN IF NOT EXISTS owner_node TEXT",
          "ALTER TABLE items ADD COLUMN IF NOT EXISTS lease_until BIGINT",
          "CREATE INDEX IF NOT EXISTS items_running_by_node ON items (owner_node) WHERE state = 'running'",
          """
          CREATE TABLE IF NOT EXISTS nodes (
            node TEXT PRIMARY KEY,
            beat_at BIGINT NOT NULL,
            started_at BIGINT NOT NULL,
            pid BIGINT NOT NULL,
            version TEXT NOT NULL,
            running INTEGER NOT NULL)""")),
      new Migration(7, "cancels asked of running attempts", List.of(
          "ALTER TABLE items ADD COLUMN IF NOT EXISTS cancel_asked_by TEXT")),
      new Migration(8, "identity records in the order they were pruned", List.of(
          "CREATE INDEX IF NOT EXISTS identities_by_prune ON identities (pruned_at, source, item_id, content_hash)")));

  private PostgresSchema() {}

  /** Brings {@code session}'s database to {@link #CURRENT}; refuses a newer one. Returns the version it found. */
  static int migrate(LedgerSession session) {
    int found = session.query("read the schema version", () -> versionOf(session.connection()));
    refuseNewer(session, found);
    for (Migration m : MIGRATIONS) {
      if (m.version() <= found) {
        continue;
      }
      session.inTransaction("migrate the schema to version " + m.version() + " (" + m.what() + ")", () -> {
        try (Statement st = session.connection().createStatement()) {
          st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
          if (versionOf(session.connection()) >= m.version()) {
            return null; // another node migrated meanwhile
          }
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

  /** For a read-only view: a schema this build reads (made by a worker, not newer than this build). */
  static int checkReadable(LedgerSession session) {
    int found = session.query("read the schema version", () -> versionOf(session.connection()));
    refuseNewer(session, found);
    if (found < 1) {
      throw new LedgerException("open ledger " + session.where() + " read-only",
          new SQLException("it has no schema yet: it needs creating by a worker"));
    }
    return found;
  }

  private static void refuseNewer(LedgerSession session, int found) {
    if (found > CURRENT) {
      throw new LedgerSchemaException(session.where(), found, CURRENT);
    }
  }

  /** The version in {@code meta}, 0 for a database without the table (new). */
  static int versionOf(Connection db) throws SQLException {
    try (Statement st = db.createStatement(); ResultSet t = st.executeQuery("SELECT to_regclass('meta') IS NOT NULL")) {
      if (!t.next() || !t.getBoolean(1)) {
        return 0;
      }
    }
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'schema'")) {
      if (!rs.next()) {
        return 0;
      }
      try {
        return Integer.parseInt(rs.getString(1).trim());
      } catch (NumberFormatException e) {
        throw new SQLException("meta.schema holds " + rs.getString(1) + ", not a version number");
      }
    }
  }
}
