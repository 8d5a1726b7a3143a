package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tended show} of the real supervisor jar on a ledger the ledger's own API wrote: an id with a
 * first version that failed, was interrupted and succeeded, and a second version whose handler runs.
 */
class ShowCommandIT {
  @TempDir Path dir;
  private String cfg;
  private long first;
  private long second;

  @BeforeEach
  void ledgerWithTwoVersions() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
    cfg = c.file().toString();
    try (ItemLedger ledger = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("ideas", List.of(new NewItem("idea-7", "aaaa1111", "{\"id\":\"idea-7\"}")));
      first = ledger.claimDue("ideas", 1).get(0).seq();
      ledger.finish(first, ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", Instant.now().minusSeconds(1));
      ledger.claimDue("ideas", 1);
      ledger.interrupted(first, "its handler died with its worker", 5);
      ledger.claimDue("ideas", 1);
      ledger.finish(first, ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, "exit 0", null);
      ledger.recordSeen("ideas", List.of(new NewItem("idea-7", "bbbb2222", "{\"id\":\"idea-7\",\"v\":2}")));
      ItemRecord running = ledger.claimDue("ideas", 1).get(0);
      second = running.seq();
      ledger.handlerStarted(new HandlerRecord(second, 1, running.attemptToken(), "boot", 4321, 10, 4322, 11,
          Instant.now(), "{}"));
    }
  }

  @Test
  void showListsEveryVersionAndAttemptWithItsEnding() throws Exception {
    Supervisor.Result shown = Supervisor.run("show", "--config", cfg, "ideas", "idea-7");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    System.out.println(shown.out());
    assertThat(shown.out()).contains("2 version(s)").contains("succeeded, 2 attempt(s) counted, 1 interruption(s)")
        .contains("running, 1 attempt(s) counted").contains("interrupted").contains("its handler died with its worker")
        .contains("(running)").contains("pid 4322 under waiter pid 4321").contains("result file: ")
        .contains(dir.resolve("data").resolve("work").resolve("ideas").toString());
  }

  @Test
  void showJsonGivesEachAttemptsEndingExitCodeTimesAndTheFilesPaths() throws Exception {
    Supervisor.Result shown = Supervisor.run("show", "--config", cfg, "ideas", "idea-7", "--json");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    JsonNode root = shown.json();
    assertThat(root.path("versions")).hasSize(2);
    JsonNode v1 = root.path("versions").get(0);
    assertThat(v1.path("state").asText()).isEqualTo("succeeded");
    assertThat(v1.path("interruptions").asInt()).isEqualTo(1);
    List<String> endings = v1.path("attemptList").findValuesAsText("ending");
    assertThat(endings).containsExactly("exited", "interrupted", "exited");
    assertThat(v1.path("attemptList").get(0).path("exitCode").asInt()).isEqualTo(1);
    assertThat(v1.path("attemptList").get(2).path("durationMs").isNumber()).isTrue();
    assertThat(v1.path("workFolder").asText()).startsWith(dir.resolve("data").resolve("work").toString());
    JsonNode v2 = root.path("versions").get(1);
    assertThat(v2.path("handler").path("handlerPid").asLong()).isEqualTo(4322);
    assertThat(v2.path("attemptList").get(0).path("ending").isNull()).isTrue();
    assertThat(root.path("resultFile").asText()).endsWith("idea-7.json");
    assertThat(root.path("resultFileExists").asBoolean()).isFalse();
  }

  @Test
  void anIdTheLedgerDoesNotHoldExits1SayingSo() throws Exception {
    Supervisor.Result shown = Supervisor.run("show", "--config", cfg, "ideas", "nope");
    assertThat(shown.exitCode()).isEqualTo(1);
    assertThat(shown.err()).contains("no item nope of source ideas in the ledger");
  }

  @Test
  void aBadConfigurationExits78() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "sources: nope\n");
    Supervisor.Result shown = Supervisor.run("show", "--config", bad.toString(), "ideas", "idea-7");
    assertThat(shown.exitCode()).isEqualTo(78);
    assertThat(shown.err()).contains("config:");
  }
}
