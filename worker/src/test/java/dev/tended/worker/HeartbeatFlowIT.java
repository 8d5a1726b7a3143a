package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SourceFlow;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat's flow fields with the real worker: what the ledger knows, and the failed polls counted. */
class HeartbeatFlowIT {
  @TempDir Path dir;

  @Test
  void theBeatCarriesTheLedgersLastFinishAndSuccessNothingDueOnceDoneAndEveryFailedPoll() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "cat > /dev/null; exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
          .source(TestConfig.jsonQueue("broken", "broken", handler, "")).write();
      Files.createDirectories(f.config.dataDir().resolve("broken")); // a folder where a queue file should be
      Instant before = Instant.now();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 3));
      f.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> f.status.read()
          .map(s -> s.sources().get("ideas").succeeded() == 3 && s.sources().get("broken").pollErrors() >= 3)
          .orElse(false));
      WorkerStatus s = f.status.read().orElseThrow();
      SourceStatus ideas = s.sources().get("ideas");
      SourceFlow ledger;
      try (LedgerView view = SqliteLedgerStore.at(f.config.dataDir().resolve("ledger.db")).openView()) {
        ledger = view.flowBySource(Instant.now()).get("ideas");
      }
      assertThat(ideas.oldestPendingAgeSeconds()).isNull();
      assertThat(ideas.lastFinishedAt()).isAfter(before).isEqualTo(ledger.lastFinishedAt());
      assertThat(ideas.lastSucceededAt()).isEqualTo(ledger.lastSucceededAt());
      assertThat(ideas.pollErrors()).isZero();
      assertThat(ideas.paused()).isFalse();

      SourceStatus broken = s.sources().get("broken");
      assertThat(broken.lastPollOk()).isFalse();
      assertThat(broken.lastError()).contains("not a regular file");
      long errors = broken.pollErrors();
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.read()
          .map(st -> st.sources().get("broken").pollErrors() > errors).orElse(false));
    }
  }
}
