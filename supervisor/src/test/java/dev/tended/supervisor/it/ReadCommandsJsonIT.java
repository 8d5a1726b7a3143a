package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read commands' JSON against a real worker: an item whose handler fails the first time and
 * succeeds the second (retry backoff 100 ms) shows both attempts in order in {@code show --json}, with
 * their endings, exit codes and output tails, and {@code status --json} filters by source and state.
 */
class ReadCommandsJsonIT {
  @TempDir Path dir;
  private String cfg;

  @BeforeEach
  void aWorkerRanAFlakyItemAndAnotherSourcesItems() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path flaky = c.script("flaky.sh", "cat > /dev/null\n"
        + "marker='" + dir + "/tried-'\"$TENDED_ITEM_ID\"\n"
        + "if [ ! -f \"$marker\" ]; then touch \"$marker\"; echo \"first try of $TENDED_ITEM_ID\";"
        + " echo 'downstream said no: caf\u00e9' >&2; exit 3; fi\n"
        + "echo \"second try of $TENDED_ITEM_ID\"; exit 0");
    Path ok = c.script("ok.sh", "cat > /dev/null\necho done\nexit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", flaky, ""))
        .source(TestConfig.jsonQueue("mail", "mail_log.json", ok, "")).write();
    cfg = c.file().toString();
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 1));
    Queues.replaceAtomically(c.dataDir().resolve("mail_log.json"), Queues.ideas("m", 0, 3));
    try (WorkerProcess worker = WorkerProcess.startWorker(c.file(), dir.resolve("worker.out"))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        Supervisor.Result r = Supervisor.run("status", "--config", cfg, "--json");
        return r.exitCode() == 0 && r.json().path("sources").findValues("counts").stream()
            .mapToLong(n -> n.path("succeeded").asLong()).sum() == 4;
      });
    }
  }

  @Test
  void showJsonGivesTheFailedThenTheSuccessfulAttemptInOrderWithTheirOutputTails() throws Exception {
    Supervisor.Result shown = Supervisor.run("show", "--config", cfg, "ideas", "i0", "--json");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    JsonNode root = shown.json();
    assertThat(root.path("paused").asBoolean()).isFalse();
    JsonNode attempts = root.path("versions").get(0).path("attemptList");
    assertThat(attempts).hasSize(2);
    JsonNode first = attempts.get(0);
    JsonNode second = attempts.get(1);
    assertThat(first.path("attempt").asInt()).isEqualTo(1);
    assertThat(first.path("ending").asText()).isEqualTo("exited");
    assertThat(first.path("exitCode").asInt()).isEqualTo(3);
    assertThat(first.path("stdoutTail").asText()).isEqualTo("first try of i0\n");
    assertThat(first.path("stderrTail").asText()).isEqualTo("downstream said no: caf\u00e9\n");
    assertThat(second.path("attempt").asInt()).isEqualTo(2);
    assertThat(second.path("ending").asText()).isEqualTo("exited");
    assertThat(second.path("exitCode").asInt()).isZero();
    assertThat(second.path("stdoutTail").asText()).isEqualTo("second try of i0\n");
    assertThat(second.path("stderrTail").asText()).isEmpty();
    assertThat(root.path("result").path("status").asText()).isEqualTo("succeeded");
    assertThat(root.path("result").path("attempts").asInt()).isEqualTo(2);

    Supervisor.Result text = Supervisor.run("show", "--config", cfg, "ideas", "i0");
    System.out.println(text.out());
    assertThat(text.out()).contains("attempt 1 stderr (last 4 KiB at most):\n    | downstream said no: caf\u00e9")
        .contains("attempt 2 stdout (last 4 KiB at most):\n    | second try of i0");
  }

  @Test
  void statusJsonFiltersBySourceAndStateAndNamesTheValidOnesOfAnUnknownFilter() throws Exception {
    JsonNode all = Supervisor.run("status", "--config", cfg, "--json").json();
    assertThat(all.path("sources").findValuesAsText("name")).containsExactly("ideas", "mail");
    assertThat(all.path("items")).hasSize(4);
    assertThat(all.path("heartbeat").path("pid").asLong()).isPositive();
    assertThat(all.path("heartbeat").path("updatedAt").asText()).endsWith("Z");
    assertThat(all.path("heartbeat").path("stale").isBoolean()).isTrue();

    JsonNode mail = Supervisor.run("status", "--config", cfg, "--json", "--source", "mail", "--state", "succeeded",
        "-n", "2").json();
    assertThat(mail.path("sources").findValuesAsText("name")).containsExactly("mail");
    assertThat(mail.path("sources").get(0).path("counts").path("succeeded").asLong()).isEqualTo(3);
    assertThat(mail.path("sources").get(0).path("paused").asBoolean()).isFalse();
    List<String> sources = mail.path("items").findValuesAsText("source");
    assertThat(sources).containsExactly("mail", "mail");
    assertThat(mail.path("items").findValuesAsText("state")).containsOnly("succeeded");

    JsonNode ideas = Supervisor.run("status", "--config", cfg, "--json", "--source", "ideas").json();
    assertThat(ideas.path("items").findValuesAsText("id")).containsExactly("i0");
    assertThat(ideas.path("items").get(0).path("attempts").asInt()).isEqualTo(2);
    assertThat(Supervisor.run("status", "--config", cfg, "--json", "--state", "dead").json().path("items")).isEmpty();

    Supervisor.Result text = Supervisor.run("status", "--config", cfg, "--source", "ideas");
    assertThat(text.out()).contains("newest items of source ideas:").doesNotContain("mail");

    Supervisor.Result badSource = Supervisor.run("status", "--config", cfg, "--source", "nope");
    assertThat(badSource.exitCode()).isEqualTo(1);
    assertThat(badSource.err()).contains("no source nope").contains("(sources: ideas, mail)");
    Supervisor.Result badState = Supervisor.run("status", "--config", cfg, "--state", "stuck");
    assertThat(badState.exitCode()).isEqualTo(1);
    assertThat(badState.err()).contains("no state stuck (states: pending, running, succeeded, failed, dead)");
  }
}
