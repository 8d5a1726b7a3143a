package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ledger written by a newer tended stops the worker before it touches it. */
class NewerLedgerSchemaIT {
  @TempDir Path dir;

  @Test
  void aWorkerRefusesALedgerWithANewerSchemaNamingTheFileAndBothVersionsAndExits1() throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("h.sh", "cat > /dev/null"), "")).write();
    Path ledgerFile = c.dataDir().resolve("ledger.db");
    try (ItemLedger ledger = SqliteLedgerStore.at(ledgerFile).openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("ideas", java.util.List.of());
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile); Statement st = db.createStatement()) {
      st.executeUpdate("UPDATE meta SET value = '99' WHERE key = 'schema'");
    }
    byte[] before = Files.readAllBytes(ledgerFile);
    try (WorkerProcess worker = WorkerProcess.startWorker(c.file(), dir.resolve("worker.out"))) {
      assertThat(worker.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(worker.output()).contains(ledgerFile.toString()).contains("schema version 99")
          .contains("newer than this build supports (");
    }
    assertThat(Files.readAllBytes(ledgerFile)).as("left as it was").isEqualTo(before);
  }
}
