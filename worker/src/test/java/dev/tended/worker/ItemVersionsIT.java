package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions of one id through the real worker: in first-seen order, one at a time, each with its own input. */
class ItemVersionsIT {
  @TempDir Path dir;

  @Test
  void versionsOfOneIdRunInFirstSeenOrderEachWithItsOwnInput() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path attempts = dir.resolve("attempts.log");
      // Each attempt notes the version it read on stdin when it starts and when it ends; a second
      // attempt running beside the first would start between them.
      Path handler = f.recordingHandler("versions.sh", """
          v=$(sed -n 's/.*"v" *: *"\\([a-z]*\\)".*/\\1/p')
          echo "start $v" >> '%1$s'
          sleep 0.5
          echo "end $v" >> '%1$s'
          exit 0""".formatted(attempts));
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "    concurrency: 2\n")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"),
          "{\"id\":42,\"v\":\"first\"}\n{\"id\":42,\"v\":\"second\"}\n");
      f.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 2);
      List<String> lines = Files.readAllLines(attempts);
      assertThat(lines).as("each attempt read its own version")
          .containsExactlyInAnyOrder("start first", "end first", "start second", "end second");
      List<ItemRecord> versions = f.withLedger(l -> l.versions("ideas", "42"));
      assertThat(versions).hasSize(2);
      for (ItemRecord v : versions) {
        Path input = f.config.dataDir().resolve("work/ideas/42").resolve(v.contentHash().substring(0, 16))
            .resolve("input.json");
        assertThat(input).hasContent(v.payload());
      }
      assertThat(lines).as("in first-seen order, one at a time")
          .containsExactly("start first", "end first", "start second", "end second");
    }
  }
}
