package dev.tended.worker.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.config.ConfigLoader;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.io.AtomicFiles;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.TestConfig;
import dev.tended.worker.heartbeat.ProgressBoard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poller's count of failed polls ({@code pollErrors} in status.json), through a real json-queue source. */
class SourcePollerErrorsTest {
  @TempDir Path dir;
  private PollerFixture fixture;
  private SourcePoller poller;
  private Path file;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new PollerFixture(dir);
    poller = fixture.poller;
    file = fixture.file;
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void everyPollThatCannotReadTheQueueIsCountedAndTheCountSurvivesAGoodPoll() throws Exception {
    Files.createDirectories(file);
    poller.pollOnce();
    poller.pollOnce();
    assertThat(poller.report().lastPollOk()).isFalse();
    assertThat(poller.report().errors()).isEqualTo(2);

    Files.delete(file);
    AtomicFiles.write(file, "[{\"id\": \"a\"}]".getBytes(UTF_8));
    poller.pollOnce();

    assertThat(poller.report().lastPollOk()).isTrue();
    assertThat(poller.report().errors()).isEqualTo(2);
  }

  @Test
  void aQueueFileThatDoesNotParseIsAFaultNotAPollError() throws Exception {
    AtomicFiles.write(file, "[{\"id\": \"a\"}, {\"id\": ".getBytes(UTF_8));
    // a fault is confirmed on a later sighting of the unchanged file (a writer may be half-way through)
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      poller.pollOnce();
      return poller.report().fault() != null;
    });

    assertThat(poller.report().errors()).isZero();
  }

  @Test
  void anAbsentQueueIsNoError() {
    poller.pollOnce();

    assertThat(poller.report().errors()).isZero();
  }
}
