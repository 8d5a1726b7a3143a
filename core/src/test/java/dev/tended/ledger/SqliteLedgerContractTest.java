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
    try (ItemLedger ledger = store().openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("ideas", List.of(item("old", "x")));
    }
    try (Connection c = raw(); Statement st = c.createStatement()) {
      st.executeUpdate("DROP INDEX items_by_id");
      st.executeUpdate("UPDATE meta SET value = '1' WHERE key = 'schema'");
    }
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
          () -> ledger.finish(claimed.get(0).seq(), ItemState.SUCCEEDED, 0, null, null));
      outcome.get(3, TimeUnit.SECONDS);
      ledger.recordSeen("ideas", List.of(item("3", "x")));
      st.execute("COMMIT");
    }
    assertThat(view().counts("ideas")).containsEntry(ItemState.SUCCEEDED, 1L).containsEntry(ItemState.PENDING, 1L);
  }
}
