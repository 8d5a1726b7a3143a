package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T4's alert half with the real jars: a source whose handler hangs longer than {@code stuckAfter}
 * while items wait fires {@code work_stuck}; releasing the handler lets items flow and resolves it.
 */
class WorkStuckAlertIT {
  @TempDir Path dir;

  private List<String> sent() throws IOException {
    Path f = dir.resolve("alerts-sent.txt");
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }

  @Test
  void hungHandlerWithItemsWaitingFiresWorkStuckAndItResolvesWhenItemsFlowAgain() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path release = dir.resolve("release");
    Path hangs = c.script("hangs.sh", "cat > /dev/null\nwhile [ ! -e " + release + " ]; do sleep 0.1; done\nexit 0");
    Path alert = c.script("alert.sh", "printf '%s %s %s | %s\\n' \"$TENDED_ALERT\" \"$TENDED_ALERT_STATE\" "
        + "\"$TENDED_ALERT_SOURCE\" \"$TENDED_ALERT_DETAIL\" >> " + dir.resolve("alerts-sent.txt"));
    c.source(TestConfig.source("json-queue", "slow", "slow_log.json", "200ms", TestConfig.handler(hangs, "120s", "1s", ""),
        List.of())).heartbeatInterval("300ms").supervisor("{ staleAfter: 10s, startupGrace: 20s, stopGrace: 2s }");
    c.extra("alerts: { command: " + TestConfig.jsonList(List.of(alert.toString()))
        + ", repeatEvery: 1h, stuckAfter: 3s, timeout: 10s }\n");
    Files.createDirectories(c.dataDir());
    Queues.replaceAtomically(c.dataDir().resolve("slow_log.json"), Queues.ideas("s", 0, 3));
    c.write();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await("work_stuck fires").atMost(Duration.ofSeconds(30))
          .until(() -> sent().stream().anyMatch(l -> l.startsWith("work_stuck firing slow")));
      assertThat(sent()).filteredOn(l -> l.startsWith("work_stuck")).singleElement().asString()
          .contains("items are due").contains("stuckAfter 3s");

      Files.writeString(release, "go");
      await("work_stuck resolves").atMost(Duration.ofSeconds(30))
          .until(() -> sent().stream().anyMatch(l -> l.startsWith("work_stuck resolved slow")));
      assertThat(sent()).filteredOn(l -> l.startsWith("work_stuck")).hasSize(2);
    }
  }
}
