package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tended prune} of the real supervisor jar with the default retention, on a data folder whose
 * items finished 100 days ago (past finishedFor and deadFor) and one that finished now, then
 * {@code show} and {@code retry} of what was pruned.
 */
class PruneCommandIT {
  private static final Instant LONG_AGO = Instant.now().minus(Duration.ofDays(100));

  @TempDir Path dir;
  private String cfg;
  private Path data;

  @BeforeEach
  void dataFolderWithOldAndNewItems() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).extra("retention:\n  quarantineKept: 2\n")
        .write();
    cfg = c.file().toString();
    data = c.dataDir();
    try (ItemLedger old = SqliteLedgerStore.at(data.resolve("ledger.db"))
        .openItemLedger(Clock.fixed(LONG_AGO, ZoneOffset.UTC))) {
      finish(old, "old-ok", ItemState.SUCCEEDED);
      finish(old, "old-dead", ItemState.DEAD);
    }
    try (ItemLedger now = SqliteLedgerStore.at(data.resolve("ledger.db")).openItemLedger(Clock.systemUTC())) {
      finish(now, "new-ok", ItemState.SUCCEEDED);
    }
    Path q = Files.createDirectories(data.resolve("quarantine").resolve("ideas"));
    for (int i = 0; i < 5; i++) {
      Files.writeString(q.resolve("ideas_log.json.2026120" + i), "broken " + i);
    }
  }

  private void finish(ItemLedger ledger, String id, ItemState to) throws Exception {
    ledger.recordSeen("ideas", List.of(new NewItem(id, "hash-" + id, "{\"id\":\"" + id + "\"}")));
    ItemRecord r = ledger.claimDue("ideas", 1).get(0);
    ledger.finish(r.seq(), to, AttemptEnding.EXITED, to == ItemState.SUCCEEDED ? 0 : 3, null, null);
    Path result = ItemResult.fileIn(data.resolve("results"), "ideas", id);
    Files.createDirectories(result.getParent());
    Files.write(result, StatusFiles.mapper().writeValueAsBytes(new ItemResult("ideas", id, "hash-" + id,
        to.wireName(), 1, 0, r.lastStartedAt(), r.lastStartedAt(), 1, null, "", "")));
    Path work = Files.createDirectories(WorkFolders.of(data.resolve("work"), "ideas", id, "hash-" + id));
    Files.writeString(work.resolve("input.json"), "{\"id\":\"" + id + "\"}");
  }

  @Test
  void aDryRunReportsWhatWouldGoAndRemovesNothing() throws Exception {
    Supervisor.Result r = Supervisor.run("prune", "--config", cfg, "--dry-run");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("would remove").contains("items:             2 (1 succeeded, 1 dead)")
        .contains("result files:      2").contains("work folders:      2").contains("quarantine copies: 3");
    assertThat(ItemResult.fileIn(data.resolve("results"), "ideas", "old-ok")).exists();
    assertThat(data.resolve("quarantine").resolve("ideas").toFile().list()).hasSize(5);
    Supervisor.Result shown = Supervisor.run("show", "--config", cfg, "ideas", "old-ok");
    assertThat(shown.out()).contains("1 version(s)");
  }

  @Test
  void pruneRemovesOldItemsAndTheirFilesKeepsTheirIdentityAndShowAndRetrySayTheyWerePruned() throws Exception {
    Supervisor.Result r = Supervisor.run("prune", "--config", cfg);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("removed").contains("items:             2 (1 succeeded, 1 dead)")
        .contains("result files:      2").contains("work folders:      2").contains("quarantine copies: 3")
        .contains("bytes given back:");
    assertThat(ItemResult.fileIn(data.resolve("results"), "ideas", "old-ok")).doesNotExist();
    assertThat(WorkFolders.perId(data.resolve("work"), "ideas", "old-dead")).doesNotExist();
    assertThat(ItemResult.fileIn(data.resolve("results"), "ideas", "new-ok")).exists();
    assertThat(data.resolve("quarantine").resolve("ideas").toFile().list()).hasSize(2);

    Supervisor.Result shown = Supervisor.run("show", "--config", cfg, "ideas", "old-dead", "--json");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    JsonNode root = shown.json();
    assertThat(root.path("versions")).isEmpty();
    assertThat(root.path("pruned")).hasSize(1);
    assertThat(root.path("pruned").get(0).path("outcome").asText()).isEqualTo("dead");
    assertThat(root.path("pruned").get(0).path("contentHash").asText()).isEqualTo("hash-old-dead");
    Supervisor.Result text = Supervisor.run("show", "--config", cfg, "ideas", "old-dead");
    assertThat(text.out()).contains("1 pruned").contains("pruned version (content hash-old-dead): dead");

    Supervisor.Result retry = Supervisor.run("retry", "--config", cfg, "ideas", "old-dead");
    assertThat(retry.exitCode()).isEqualTo(1);
    assertThat(retry.err()).contains("was pruned by retention");

    Supervisor.Result again = Supervisor.run("prune", "--config", cfg);
    assertThat(again.out()).contains("items:             0 (0 succeeded, 0 dead)");
  }
}
