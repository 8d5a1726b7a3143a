package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.testkit.Jars;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher with no locale in the environment, as systemd starts a service: the JVM would take
 * ASCII for the environment it passes on, and a handler would see {@code TENDED_ITEM_ID} damaged.
 */
class LauncherLocaleIT {
  @TempDir Path dir;

  @Test
  void aNonAsciiIdReachesTheHandlersEnvironmentExactlyThroughTheLauncherWithNoLocaleSet() throws Exception {
    String id = "café-ü-日本";
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path seen = dir.resolve("seen-id");
      Path handler = f.config.script("note-id.sh", "printf '%s' \"$TENDED_ITEM_ID\" > '" + seen + "'\nexit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), "{\"id\":\"" + id + "\"}\n");
      List<String> command = List.of("env", "-u", "LANG", "-u", "LC_ALL", "-u", "LC_CTYPE", "-u", "LANGUAGE",
          Jars.find().launcher().toString(), "worker", "--config", f.config.file().toString());
      try (WorkerProcess worker = WorkerProcess.start(command, Map.of(), dir.resolve("worker.out"))) {
        await().atMost(Duration.ofSeconds(60)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
        assertThat(new String(Files.readAllBytes(seen), StandardCharsets.UTF_8)).isEqualTo(id);
        worker.stop(Duration.ofSeconds(20));
      }
    }
  }
}
