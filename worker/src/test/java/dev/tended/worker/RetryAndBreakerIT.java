package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.status.BreakerStatus;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryAndBreakerIT {
  @TempDir Path dir;

  @Test
  void exit75IsRetriedUntilMaxAttemptsAndExit65IsDeadAtOnce() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("by-id.sh", """
          case "$TENDED_ITEM_ID" in
            temp*) echo "upstream is down" >&2; exit 75 ;;
            bad*) echo "reading the idea" >&2; echo "idea $TENDED_ITEM_ID has no title" >&2; exit 65 ;;
          esac
          exit 0
          """);
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler,
          "    breaker: { failureThreshold: 100, openFor: 1s }")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"),
          "[{\"id\": \"temp1\"}, {\"id\": \"bad1\"}, {\"id\": \"good1\"}]");
      f.start();

      // good1 may run after temp1's retries (a due retry comes first in seq order): wait for both.
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("ideas").get(ItemState.DEAD) == 2
          && f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      List<ItemRecord> dead = f.withLedger(l -> l.inState("ideas", ItemState.DEAD));
      assertThat(dead).filteredOn(r -> r.id().equals("bad1")).singleElement()
          .satisfies(r -> assertThat(r.attempts()).isEqualTo(1));
      assertThat(dead).filteredOn(r -> r.id().equals("temp1")).singleElement()
          .satisfies(r -> assertThat(r.attempts()).isEqualTo(3));
      assertThat(f.runs()).filteredOn(l -> l.contains(" temp1 ")).hasSize(3);
      assertThat(f.runs()).filteredOn(l -> l.contains(" bad1 ")).hasSize(1);
      assertThat(f.counts("ideas").get(ItemState.SUCCEEDED)).isEqualTo(1);
      awaitLogged(() ->
          assertThat(f.workerLog()).contains("item_failed source=ideas id=temp1 attempt=1")
              .contains("item_dead source=ideas id=bad1 attempt=1"));
      assertThat(f.workerLog().lines().filter(l -> l.contains("item_dead source=ideas id=bad1 ")))
          .singleElement().asString().contains(" stderr_tail=\"idea bad1 has no title\"");
      assertThat(f.workerLog().lines().filter(l -> l.contains("item_failed source=ideas id=temp1 ")))
          .hasSize(2).allSatisfy(l -> assertThat(l).contains(" stderr_tail=\"upstream is down\" "));
    }
  }

  @Test
  void breakerOpensAfterConsecutiveFailuresAndClosesWhenTheHandlerRecovers() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path broken = dir.resolve("broken");
      Files.writeString(broken, "yes");
      Path handler = f.recordingHandler("flaky.sh", "[ -e '" + broken + "' ] && exit 1\nexit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler,
          "    breaker: { failureThreshold: 2, openFor: 1s }")
          .replace("maxAttempts: 3", "maxAttempts: 50")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("x", 0, 5));
      f.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> f.status.read()
          .map(s -> s.sources().get("ideas").breaker().state().equals("open")).orElse(false));
      BreakerStatus open = f.status.read().orElseThrow().sources().get("ideas").breaker();
      assertThat(open.consecutiveFailures()).isGreaterThanOrEqualTo(2);
      assertThat(open.openUntil()).isNotNull();
      awaitLogged(() -> assertThat(f.workerLog()).contains("breaker_opened source=ideas"));

      Files.delete(broken);
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 5);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.read()
          .map(s -> s.sources().get("ideas").breaker().state().equals("closed")).orElse(false));
      awaitLogged(() -> assertThat(f.workerLog()).contains("breaker_closed source=ideas"));
    }
  }

  @Test
  void itemsWithIdsTooLongToPassAreRefusedAtIntakeAndTheGoodOnesAroundThemRunWithTheBreakerClosed() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler,
          "    breaker: { failureThreshold: 1, openFor: 1m }")).write();
      StringBuilder queue = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        String id = i % 2 == 0 ? "good" + i : "l".repeat(140_000 + 20_000 * i);
        queue.append("{\"id\": \"").append(id).append("\"}\n");
      }
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), queue.toString());
      f.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 3);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.read()
          .map(s -> s.sources().get("ideas").fault() != null).orElse(false));
      var source = f.status.read().orElseThrow().sources().get("ideas");
      assertThat(source.breaker().state()).isEqualTo("closed");
      assertThat(source.breaker().consecutiveFailures()).isZero();
      assertThat(source.fault().file()).endsWith("ideas_log.json");
      assertThat(source.fault().reason()).startsWith("item 2: id of 160000 characters is longer than maxIdLength (1024)");
      assertThat(f.counts("ideas").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
      assertThat(f.runs()).hasSize(3);
      assertThat(f.workerLog().lines().filter(l -> l.contains("item_refused source=ideas ")).toList()).hasSize(3)
          .allSatisfy(l -> assertThat(l).contains("file=").contains("reason=\"id of ").hasSizeLessThan(1000))
          .anySatisfy(l -> assertThat(l).contains(" item=4 "));
    }
  }
}
