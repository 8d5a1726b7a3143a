package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.TestConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the operator commands say about a ledger written by a newer tended. */
class LedgerSchemaIT {
  @TempDir Path dir;

  @Test
  void healthDiagnoseAndStatusNameALedgerWithANewerSchemaAndItsVersions() throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("h.sh", "cat > /dev/null"), "")).write();
    Path ledgerFile = c.dataDir().resolve("ledger.db");
    try (ItemLedger ledger = SqliteLedgerStore.at(ledgerFile).openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("ideas", List.of());
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile); Statement st = db.createStatement()) {
      st.executeUpdate("UPDATE meta SET value = '99' WHERE key = 'schema'");
    }
    Supervisor.Result diagnosis = Supervisor.run("health-diagnose", "--config", c.file().toString());
    assertThat(diagnosis.exitCode()).isEqualTo(2);
    assertThat(diagnosis.out()).containsPattern("✗ ledger: .*schema version 99, newer than this build supports \\(\\d+\\)");
    Supervisor.Result status = Supervisor.run("status", "--config", c.file().toString());
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.err()).contains(ledgerFile.toString()).contains("schema version 99");
  }
}
