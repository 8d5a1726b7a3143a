package dev.tended.supervisor.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.BreakerStatus;
import dev.tended.status.SourceStatus;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.read.ShowRead;
import dev.tended.supervisor.read.StatusFilter;
import dev.tended.supervisor.read.StatusSnapshot;
import dev.tended.testkit.TestConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/status} and {@code GET /api/item} over real HTTP on a data folder with a ledger (two
 * sources; an idea that failed once then succeeded, with its output files; two mail items pending) and a
 * status file: they serve the very JSON the read commands print ({@code status --json}, {@code show
 * --json}), compared as trees with what {@link StatusSnapshot} and {@link ShowRead} build for the same
 * folder at the same instant (the dashboard's clock is fixed), and refuse bad parameters with 400 and an
 * unknown item with 404.
 */
class WebReadApiTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  @TempDir Path dir;
  private TendedConfig config;
  private RunningDashboard dashboard;

  @BeforeEach
  void aLedgerWithARetriedIdeaAndPendingMail() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .source(TestConfig.jsonQueue("mail", "mail_log.json", handler, "")).write();
    config = ConfigLoader.load(c.file());
    try (ItemLedger ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("ideas", List.of(new NewItem("idea-7", "aaaa1111", "{\"id\":\"idea-7\"}")));
      long seq = ledger.claimDue("ideas", 1).get(0).seq();
      ledger.finish(seq, ItemState.FAILED, AttemptEnding.EXITED, 3, "exit 3", Instant.now().minusSeconds(1));
      ledger.claimDue("ideas", 1);
      ledger.finish(seq, ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, "exit 0", null);
      ledger.recordSeen("mail", List.of(new NewItem("m1", "cccc", "{\"id\":\"m1\"}"),
          new NewItem("m2", "dddd", "{\"id\":\"m2\"}")));
    }
    Path folder = WorkFolders.of(config.workDir(), "ideas", "idea-7", "aaaa1111");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("attempt-1.stdout"), "first try\n");
    Files.writeString(folder.resolve("attempt-2.stdout"), "second try\n");
    SourceStatus ideas = new SourceStatus(NOW, true, 0, 0, 1, 0, 0, null, BreakerStatus.CLOSED, null);
    StatusFiles.write(config.heartbeat().file(), new WorkerStatus(WorkerStatus.SCHEMA, 4242, "running", "t",
        NOW.minusSeconds(60), NOW.minusSeconds(1), 17, Map.of("ideas", ideas)));
    dashboard = RunningDashboard.start(config, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    if (dashboard != null) {
      dashboard.close();
    }
  }

  private static JsonNode tree(HttpResponse<String> r) throws Exception {
    return StatusFiles.mapper().readTree(r.body());
  }

  /** What {@code status --json --source source --state state -n recent} prints for this folder at {@link #NOW}. */
  private JsonNode statusJson(String source, String state, int recent) throws Exception {
    StatusFilter filter = StatusFilter.parse(config, source, state).filter();
    try (LedgerView view = SqliteLedgerStore.at(config.ledgerFile()).openView()) {
      StatusSnapshot s = StatusSnapshot.read(config, view, StatusSnapshot.heartbeat(config), filter, recent, NOW);
      return StatusFiles.mapper().readTree(StatusFiles.mapper().writeValueAsString(
          s.json(config.supervisor().staleAfter())));
    }
  }

  @Test
  void statusServesTheJsonThatStatusJsonPrintsForTheSameDataFolder() throws Exception {
    HttpResponse<String> r = dashboard.get("/api/status");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode served = tree(r);
    assertThat(served).isEqualTo(statusJson(null, null, StatusRoute.DEFAULT_RECENT));
    assertThat(served.path("checkedAt").asText()).isEqualTo(NOW.toString());
    assertThat(served.path("heartbeat").path("pid").asLong()).isEqualTo(4242);
    assertThat(served.path("sources").findValuesAsText("name")).containsExactly("ideas", "mail");
    assertThat(served.path("items")).hasSize(3);
  }

  @Test
  void statusFiltersBySourceStateAndCountAsTheCommandsOptionsDo() throws Exception {
    JsonNode mail = tree(dashboard.get("/api/status?source=mail"));
    assertThat(mail).isEqualTo(statusJson("mail", null, StatusRoute.DEFAULT_RECENT));
    assertThat(mail.path("sources").findValuesAsText("name")).containsExactly("mail");
    assertThat(mail.path("items").findValuesAsText("source")).containsExactly("mail", "mail");

    JsonNode succeeded = tree(dashboard.get("/api/status?state=succeeded"));
    assertThat(succeeded.path("items").findValuesAsText("id")).containsExactly("idea-7");

    JsonNode one = tree(dashboard.get("/api/status?source=mail&state=pending&n=1"));
    assertThat(one).isEqualTo(statusJson("mail", "pending", 1));
    assertThat(one.path("items")).hasSize(1);
  }

  @Test
  void statusRefusesAnUnknownStateOrSourceNamingTheValidOnes() throws Exception {
    HttpResponse<String> state = dashboard.get("/api/status?state=stuck");
    assertThat(state.statusCode()).isEqualTo(400);
    assertThat(tree(state).path("outcome").asText()).isEqualTo("error");
    assertThat(tree(state).path("message").asText())
        .isEqualTo("no state stuck (states: pending, running, succeeded, failed, dead)");

    HttpResponse<String> source = dashboard.get("/api/status?source=nope");
    assertThat(source.statusCode()).isEqualTo(400);
    assertThat(tree(source).path("message").asText()).contains("no source nope").endsWith("(sources: ideas, mail)");

    assertThat(dashboard.get("/api/status?n=many").statusCode()).isEqualTo(400);
    assertThat(dashboard.get("/api/status?n=" + (StatusRoute.MAX_RECENT + 1)).statusCode()).isEqualTo(400);
  }

  @Test
  void itemServesEveryAttemptInOrderAsShowJsonPrintsIt() throws Exception {
    HttpResponse<String> r = dashboard.get("/api/item?source=ideas&id=idea-7");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode served = tree(r);
    try (LedgerView view = SqliteLedgerStore.at(config.ledgerFile()).openView()) {
      assertThat(served).isEqualTo(StatusFiles.mapper().readTree(StatusFiles.mapper().writeValueAsString(
          ShowRead.of(config, view, "ideas", "idea-7").orElseThrow())));
    }
    JsonNode attempts = served.path("versions").get(0).path("attemptList");
    assertThat(attempts.findValuesAsText("attempt")).containsExactly("1", "2");
    assertThat(attempts.findValuesAsText("exitCode")).containsExactly("3", "0");
    assertThat(attempts.findValuesAsText("stdoutTail")).containsExactly("first try\n", "second try\n");
    assertThat(served.path("versions").get(0).path("state").asText()).isEqualTo("succeeded");
  }

  @Test
  void anItemTheLedgerDoesNotHoldIsNotFoundAndAnUnnamedOneABadRequest() throws Exception {
    HttpResponse<String> unknown = dashboard.get("/api/item?source=ideas&id=nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(tree(unknown).path("message").asText()).isEqualTo("no item nope of source ideas in the ledger");

    assertThat(dashboard.get("/api/item?source=ideas").statusCode()).isEqualTo(400);
    assertThat(dashboard.get("/api/item?id=idea-7").statusCode()).isEqualTo(400);
    assertThat(dashboard.get("/api/item?source=&id=idea-7").statusCode()).isEqualTo(400);
  }
}
