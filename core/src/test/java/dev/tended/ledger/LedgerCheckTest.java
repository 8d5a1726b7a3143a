package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerCheckTest {
  @TempDir Path dir;

  private Path ledgerFile() {
    return dir.resolve("ledger.db");
  }

  private Path results() {
    return dir.resolve("results");
  }

  private void someFinishedResult() throws Exception {
    Files.createDirectories(results().resolve("ideas"));
    Files.writeString(results().resolve("ideas/a.json"), "{}");
  }

  /** A ledger with many items, closed, its WAL checkpointed into the main file. */
  private void filledLedger() {
    try (ItemLedger l = SqliteLedgerStore.at(ledgerFile()).openItemLedger(Clock.systemUTC())) {
      List<NewItem> items = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        items.add(new NewItem("i" + i, "h" + i, "{\"id\": \"i" + i + "\", \"pad\": \"" + "x".repeat(200) + "\"}"));
      }
      l.recordSeen("ideas", items);
    }
  }

  @Test
  void aFreshDataFolderGetsANewLedger() {
    try (ItemLedger l = LedgerCheck.openTrusted(ledgerFile(), results(), Clock.systemUTC())) {
      assertThat(l.claimDue("ideas", 1)).isEmpty();
    }
  }

  @Test
  void aMissingLedgerBesideResultsIsRefusedNotReplacedByAnEmptyOne() throws Exception {
    someFinishedResult();
    assertThatThrownBy(() -> LedgerCheck.openTrusted(ledgerFile(), results(), Clock.systemUTC()))
        .isInstanceOf(DamagedLedgerException.class)
        .hasMessageContaining("is missing").hasMessageContaining("tended recover-ledger");
    assertThat(ledgerFile()).doesNotExist();
  }

  @Test
  void anEmptiedLedgerFileIsRefused() throws Exception {
    filledLedger();
    someFinishedResult();
    Files.write(ledgerFile(), new byte[0]);
    assertThatThrownBy(() -> LedgerCheck.openTrusted(ledgerFile(), results(), Clock.systemUTC()))
        .isInstanceOf(DamagedLedgerException.class).hasMessageContaining("is empty");
  }

  @Test
  void aGarbageLedgerIsRefusedAndLeftAsItWas() throws Exception {
    byte[] garbage = new byte[64 * 1024];
    new Random(7).nextBytes(garbage);
    Files.write(ledgerFile(), garbage);
    assertThatThrownBy(() -> LedgerCheck.openTrusted(ledgerFile(), results(), Clock.systemUTC()))
        .isInstanceOf(DamagedLedgerException.class).hasMessageContaining("cannot be read")
        .hasMessageContaining("SQLITE_NOTADB");
    assertThat(Files.readAllBytes(ledgerFile())).isEqualTo(garbage);
  }

  @Test
  void aTruncatedLedgerIsRefused() throws Exception {
    filledLedger();
    try (RandomAccessFile f = new RandomAccessFile(ledgerFile().toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertThatThrownBy(() -> LedgerCheck.openTrusted(ledgerFile(), results(), Clock.systemUTC()))
        .isInstanceOf(DamagedLedgerException.class).hasMessageContaining("tended recover-ledger");
  }
}
