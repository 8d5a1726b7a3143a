package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether work flows, against a real supervisor and worker: a handler that hangs with items waiting
 * shows in status.json (the oldest due item's age grows, nothing finishes), makes health-diagnose exit 1
 * naming {@code work_stuck} and the long handler, and all of it clears once the handler is released
 * and the items flow.
 */
class WorkFlowIT {
  @TempDir Path dir;

  @Test
  void aHungHandlerWithItemsWaitingIsWorkStuckAndALongHandlerUntilItemsFlowAgain() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path release = dir.resolve("release");
    Path handler = c.script("hang.sh", "cat > /dev/null\ntouch '" + dir + "/started-'\"$TENDED_ITEM_ID\"\n"
        + "while [ ! -f '" + release + "' ]; do sleep 0.1; done\nexit 0");
    c.source(TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
            TestConfig.handler(handler, "2m", "1s", ", warnAfter: 2s"), List.of()))
        .extra("alerts: { stuckAfter: 3s }\n").write();
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 3));
    String cfg = c.file().toString();

    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("started-i0")));

      // the heartbeat: one running, two due and waiting longer and longer, nothing finished
      SourceStatus hung = awaitSource(sup, s -> s.running() == 1 && s.oldestPendingAgeSeconds() != null
          && s.oldestPendingAgeSeconds() > 1.0);
      assertThat(hung.lastFinishedAt()).isNull();
      assertThat(hung.lastSucceededAt()).isNull();
      assertThat(hung.paused()).isFalse();
      assertThat(hung.pollErrors()).isZero();

      // health-diagnose: degraded, naming the stuck source and the long handler
      await().atMost(Duration.ofSeconds(30)).until(() -> Supervisor.run("health-diagnose", "--config", cfg)
          .out().contains("✗ work_stuck"));
      Supervisor.Result stuck = Supervisor.run("health-diagnose", "--config", cfg);
      System.out.println("health-diagnose, stuck:\n" + stuck.out());
      assertThat(stuck.exitCode()).isEqualTo(1);
      assertThat(stuck.out()).contains("✗ work_stuck: ideas: items are due").contains("stuckAfter 3s")
          .contains("1 running, about 2 waiting; none has ever finished")
          .containsPattern("✗ long_handlers: 1 running longer than warnAfter: ideas/i0 pid \\d+ running for \\d+s"
              + " \\(warnAfter 2s")
          .contains("verdict: DEGRADED (exit 1)");
      JsonNode j = Supervisor.run("health-diagnose", "--json", "--config", cfg).json();
      assertThat(j.path("failing").toString()).contains("work_stuck").contains("long_handlers");

      Supervisor.Result status = Supervisor.run("status", "--config", cfg);
      System.out.println("status, stuck:\n" + status.out());
      assertThat(status.out()).contains("OLDEST DUE  LAST FINISHED   LAST SUCCESS POLL ERRORS")
          .containsPattern("ideas +\\d+s +never +never +0");

      // released: the items flow, and both lines clear
      Files.createFile(release);
      SourceStatus flowing = awaitSource(sup, s -> s.succeeded() == 3);
      assertThat(flowing.oldestPendingAgeSeconds()).isNull();
      assertThat(flowing.lastFinishedAt()).isNotNull();
      assertThat(flowing.lastSucceededAt()).isNotNull();
      await().atMost(Duration.ofSeconds(30)).until(() -> Supervisor.run("health-diagnose", "--config", cfg).exitCode() == 0);
      Supervisor.Result ok = Supervisor.run("health-diagnose", "--config", cfg);
      System.out.println("health-diagnose, flowing:\n" + ok.out());
      assertThat(ok.out()).contains("✓ work_stuck: work flows (stuckAfter 3s): ideas nothing due")
          .contains("✓ long_handlers: none (warnAfter: ideas 2s)");
      assertThat(Supervisor.run("status", "--config", cfg).out()).containsPattern("ideas +- +\\d+s ago +\\d+s ago +0");
    }
  }

  private static SourceStatus awaitSource(Supervisor sup, java.util.function.Predicate<SourceStatus> condition) {
    SourceStatus[] seen = {null};
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Optional<SourceStatus> s = sup.status().map(WorkerStatus::sources).map(m -> m.get("ideas"));
      seen[0] = s.orElse(null);
      return s.isPresent() && condition.test(s.get());
    });
    return seen[0];
  }
}
