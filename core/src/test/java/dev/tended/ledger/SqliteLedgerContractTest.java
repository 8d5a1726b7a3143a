package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger contract on SQLite, and what only the SQLite ledger has: its file, schema versions, locks. */
class SqliteLedgerContractTest extends LedgerContractTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("ledger.db");
  }

  @Override
  protected LedgerStore store() {
    return SqliteLedgerStore.at(file());
  }

  /** What a CLI command's transaction does: {@code BEGIN IMMEDIATE} on a connection of its own. */
  @Override
  protected AutoCloseable holdWriteLockElsewhere() throws SQLException {
    Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
    try (Statement st = other.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      st.executeUpdate("UPDATE meta SET value = value WHERE key = 'schema'");
    }
    return () -> {
      if (other.isClosed()) {
        return;
      }
      try (Statement st = other.createStatement()) {
        st.execute("COMMIT");
      }
      other.close();
    };
  }

  private Connection raw() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file());
  }

  private void setSchemaVersion(int version) throws SQLException {
    try (Connection c = raw(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE meta SET value = '" + version + "' WHERE key = 'schema'");
    }
  }

  private int schemaVersion() throws SQLException {
    try (Connection c = raw()) {
      return SqliteSchema.versionOf(c);
    }
  }

  private boolean hasIndex(String name) throws SQLException {
    try (Connection c = raw(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = '" + name + "'")) {
      return rs.next();
    }
  }

  /** A ledger as the first release left it: schema 1, without the index of versions by id. */
  private void firstReleaseLedgerWithOneItem() throws SQLException {
    ledgerMadeBySchema(1);
  }

  /**
   * A ledger as the release that wrote schema {@code version} left it, made by that release's
   * statements: one pending item {@code old}, and one item {@code ran} that is running its second
   * attempt after a first one that exited 1.
   */
  private void ledgerMadeBySchema(int version) throws SQLException {
    try (Connection c = raw(); Statement st = c.createStatement()) {
      for (String sql : SqliteSchema.statementsUpTo(version)) {
        st.executeUpdate(sql);
      }
      st.executeUpdate("INSERT INTO meta (key, value) VALUES ('schema', '" + version + "')");
      st.executeUpdate("INSERT INTO items (seq, source, item_id, content_hash, payload, state, attempts, next_attempt_at,"
          + " first_seen_at, updated_at) VALUES (1, 'ideas', 'old', 'hash-x', '{}', 'pending', 0, 1000, 1000, 1000)");
      st.executeUpdate("INSERT INTO transitions (item_seq, at, from_state, to_state, attempt, detail)"
          + " VALUES (1, 1000, NULL, 'pending', 0, 'seen')");
      st.executeUpdate("INSERT INTO items (seq, source, item_id, content_hash, payload, state, attempts, next_attempt_at,"
          + " first_seen_at, updated_at) VALUES (2, 'qa', 'ran', 'hash-y', '{}', 'running', 2, 1000, 1000, 3000)");
      st.executeUpdate("INSERT INTO transitions (item_seq, at, from_state, to_state, attempt, exit_code, detail) VALUES"
          + " (2, 1000, NULL, 'pending', 0, NULL, 'seen'), (2, 1000, 'pending', 'running', 1, NULL, NULL),"
          + " (2, 2000, 'running', 'failed', 1, 1, 'exit 1'), (2, 3000, 'failed', 'running', 2, NULL, NULL)");
    }
  }

  private static final List<AttemptRecord> ATTEMPTS_OF_RAN = List.of(
      new AttemptRecord(1, AttemptEnding.EXITED, 1, Instant.ofEpochMilli(1000), Instant.ofEpochMilli(2000), "exit 1"),
      new AttemptRecord(2, null, null, Instant.ofEpochMilli(3000), null, null));

  @Test
  void aSchema2LedgerIsMigratedInPlaceKeepingItsItemsAndAttempts() throws SQLException {
    ledgerMadeBySchema(2);
    ItemLedger ledger = ledger();
    assertThat(schemaVersion()).isEqualTo(SqliteSchema.CURRENT);
    assertThat(ledger.running()).singleElement().satisfies(r -> {
      assertThat(r.item().id()).isEqualTo("ran");
      assertThat(r.item().interruptions()).isZero();
      assertThat(r.item().attemptToken()).isNull();
      assertThat(r.handler()).isEmpty();
    });
    assertThat(ledger.attempts(2)).isEqualTo(ATTEMPTS_OF_RAN);
    assertThat(ledger.interrupted(2, "its handler died with the worker", 5)).isEqualTo(ItemState.PENDING);
    ItemRecord claimed = ledger.claimDue("ideas", 1).get(0);
    assertThat(claimed.id()).isEqualTo("old");
    assertThat(claimed.attemptToken()).isNotBlank();
  }

  @Test
  void aReadOnlyViewReadsASchema2LedgerWithoutMigratingIt() throws SQLException {
    ledgerMadeBySchema(2);
    LedgerView view = view();
    assertThat(view.recent(5)).extracting(ItemRecord::id).containsExactlyInAnyOrder("old", "ran");
    assertThat(view.running()).singleElement().satisfies(r -> assertThat(r.handler()).isEmpty());
    assertThat(view.attempts(2)).isEqualTo(ATTEMPTS_OF_RAN);
    assertThat(schemaVersion()).isEqualTo(2);
  }

  @Test
  void aNewLedgerIsWrittenAtTheCurrentSchemaVersion() throws SQLException {
    ledger();
    assertThat(schemaVersion()).isEqualTo(SqliteSchema.CURRENT);
  }

  @Test
  void aLedgerWithANewerSchemaIsRefusedNamingTheFileTheVersionFoundAndTheVersionSupported() throws SQLException {
    try (ItemLedger ledger = store().openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("ideas", List.of(item("1", "x")));
    }
    setSchemaVersion(SqliteSchema.CURRENT + 7);
    int found = SqliteSchema.CURRENT + 7;
    for (Runnable open : List.<Runnable>of(
        () -> store().openItemLedger(Clock.systemUTC()).close(),
        () -> store().openView().close(),
        () -> store().openAdmin(Clock.systemUTC()).close(),
        () -> LedgerCheck.openTrusted(file(), dir.resolve("results"), Clock.systemUTC()).close())) {
      assertThatThrownBy(open::run).isInstanceOf(LedgerSchemaException.class)
          .hasMessageContaining(file().toString())
          .hasMessageContaining("schema version " + found)
          .hasMessageContaining("supports (" + SqliteSchema.CURRENT + ")");
    }
    assertThat(schemaVersion()).as("left as it was").isEqualTo(found);
  }

  @Test
  void anOlderLedgerIsMigratedToTheCurrentSchemaKeepingItsItems() throws SQLException {
    firstReleaseLedgerWithOneItem();
    ItemLedger ledger = ledger();
    assertThat(schemaVersion()).isEqualTo(SqliteSchema.CURRENT);
    assertThat(hasIndex("items_by_id")).isTrue();
    assertThat(ledger.claimDue("ideas", 5)).extracting(ItemRecord::id).containsExactly("old");
  }

  @Test
  void aReadOnlyViewReadsAnOlderLedgerWithoutMigratingIt() throws SQLException {
    firstReleaseLedgerWithOneItem();
    assertThat(view().counts("ideas").get(ItemState.PENDING)).isEqualTo(1);
    assertThat(schemaVersion()).isEqualTo(1);
    assertThat(hasIndex("items_by_id")).isFalse();
  }

  @Test
  void aReadOnlyViewOfAMissingLedgerFailsWithoutCreatingIt() {
    assertThatThrownBy(() -> store().openView()).isInstanceOf(LedgerException.class)
        .hasMessageContaining("does not exist");
    assertThat(file()).doesNotExist();
  }

  @Test
  void theViewsConnectionCannotWrite() throws Exception {
    ledger().recordSeen("ideas", List.of(item("1", "x")));
    try (Connection reader = SqliteConnections.openReader(file()); Statement st = reader.createStatement()) {
      assertThatThrownBy(() -> st.executeUpdate("UPDATE items SET state = 'dead'"))
          .isInstanceOf(SQLException.class).hasMessageContaining("readonly");
      assertThatThrownBy(() -> st.executeUpdate("CREATE TABLE x (y)")).isInstanceOf(SQLException.class);
    }
    assertThat(view().counts("ideas").get(ItemState.PENDING)).isEqualTo(1);
  }

  @Test
  void aReaderHoldingItsReadOpenDoesNotDelayTheWorkersCommits() throws Exception {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("1", "x"), item("2", "x")));
    List<ItemRecord> claimed = ledger.claimDue("ideas", 2);
    try (Connection reader = SqliteConnections.openReader(file()); Statement st = reader.createStatement()) {
      st.execute("BEGIN");
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM items")) {
        assertThat(rs.getInt(1)).isEqualTo(2); // the read snapshot is held from here to the COMMIT
      }
      CompletableFuture<Void> outcome = CompletableFuture.runAsync(
          () -> ledger.finish(claimed.get(0).seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null));
      outcome.get(3, TimeUnit.SECONDS);
      ledger.recordSeen("ideas", List.of(item("3", "x")));
      st.execute("COMMIT");
    }
    assertThat(view().counts("ideas")).containsEntry(ItemState.SUCCEEDED, 1L).containsEntry(ItemState.PENDING, 1L);
  }
}
