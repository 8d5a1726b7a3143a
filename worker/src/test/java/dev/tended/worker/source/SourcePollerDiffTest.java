package dev.tended.worker.source;

import dev.tended.queue.ItemBytes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.ConfigLoader;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.io.AtomicFiles;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.TestConfig;
import dev.tended.worker.heartbeat.ProgressBoard;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller's diff against its last read, through a real json-queue source and ledger: whatever a
 * re-read skips as known must really be known, so every new version reaches the ledger, and
 * content already recorded is not recorded again however it is spelled.
 */
class SourcePollerDiffTest {
  @TempDir Path dir;
  private PollerFixture fixture;
  private ItemLedger ledger;
  private LedgerView view;
  private SourcePoller poller;
  private Path file;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new PollerFixture(dir);
    ledger = fixture.ledger;
    view = fixture.view;
    poller = fixture.poller;
    file = fixture.file;
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  /** Replaces the queue file atomically, as producers do, and polls once. */
  private void replaceAndPoll(String content) throws IOException {
    AtomicFiles.write(file, content.getBytes(UTF_8));
    poll();
  }

  private void poll() {
    poller.pollOnce();
    assertThat(poller.report().lastPollOk()).as("poll: %s", poller.report()).isTrue();
  }

  private List<String> versions(String id) {
    return view.versions("ideas", id).stream().map(ItemRecord::payload).toList();
  }

  private long pending() {
    return view.counts("ideas").getOrDefault(ItemState.PENDING, 0L);
  }

  private static String items(int from, int to) {
    List<String> lines = new ArrayList<>();
    for (int i = from; i < to; i++) {
      lines.add("  {\"id\": \"i" + i + "\", \"n\": " + i + "}");
    }
    return String.join(",\n", lines);
  }

  @Test
  void appendedItemsAreRecordedAndAnEditOfAnEarlyItemIsStillANewVersion() throws IOException {
    replaceAndPoll("[\n" + items(0, 3) + "\n]\n");
    replaceAndPoll("[\n" + items(0, 5) + "\n]\n");

    assertThat(pending()).isEqualTo(5);

    replaceAndPoll("[\n  {\"id\": \"i0\", \"n\": 100},\n" + items(1, 6) + "\n]\n");

    assertThat(versions("i0")).containsExactlyInAnyOrder("{\"id\":\"i0\",\"n\":0}", "{\"id\":\"i0\",\"n\":100}");
    assertThat(versions("i5")).containsExactly("{\"id\":\"i5\",\"n\":5}");
    assertThat(pending()).isEqualTo(7);
  }

  @Test
  void theSameContentSpelledDifferentlyIsNotANewVersion() throws IOException {
    replaceAndPoll("[{\"id\": \"a\", \"n\": 1, \"tags\": [1, 2]}, {\"id\": \"b\", \"n\": 2}]");
    replaceAndPoll("[\n  {\"tags\":[1,2],\"n\":1,\"id\":\"a\"},\n  {\"n\": 2,   \"id\": \"b\"}\n]\n");

    assertThat(versions("a")).containsExactly("{\"id\":\"a\",\"n\":1,\"tags\":[1,2]}");
    assertThat(versions("b")).hasSize(1);
    assertThat(pending()).isEqualTo(2);
  }

  @Test
  void aFileReplacedByAShorterOneLosesNothingAndItsItemsAreNotRecordedAgain() throws IOException {
    replaceAndPoll("[\n" + items(0, 5) + "\n]\n");
    replaceAndPoll("[\n" + items(3, 5) + "\n]\n");
    replaceAndPoll("[\n" + items(0, 5) + ",\n  {\"id\": \"i2\", \"n\": 22}\n]\n");

    assertThat(pending()).isEqualTo(6);
    assertThat(versions("i0")).hasSize(1);
    assertThat(versions("i2")).hasSize(2);
  }

  @Test
  void anItemCutOffByAProducerWritingInPlaceIsRecordedOnceItIsComplete() throws IOException {
    Files.writeString(file, "{\"id\": \"a\"}\n{\"id\": \"b\", \"text\": \"half");
    poll();
    Files.writeString(file, " and the rest\"}\n", UTF_8, StandardOpenOption.APPEND);
    poll();

    assertThat(versions("a")).hasSize(1);
    assertThat(versions("b")).containsExactly("{\"id\":\"b\",\"text\":\"half and the rest\"}");
  }

  @Test
  void anItemLongerThanTheFingerprintWindowIsDiffedByItsContent() throws IOException {
    String big = "x".repeat(ItemBytes.WINDOW + 1000);
    replaceAndPoll("[{\"id\": \"big\", \"pad\": \"" + big + "\"}, {\"id\": \"a\", \"n\": 1}]");
    replaceAndPoll("[{\"id\": \"big\", \"pad\": \"" + big + "\"}, {\"id\": \"a\", \"n\": 2}]");

    assertThat(versions("big")).hasSize(1);
    assertThat(versions("a")).hasSize(2);

    replaceAndPoll("[{\"id\": \"big\", \"pad\": \"" + big + "y\"}, {\"id\": \"a\", \"n\": 2}]");

    assertThat(versions("big")).hasSize(2);
  }

  @Test
  void aFileInUtf16IsDiffedByContent() throws IOException {
    Charset utf16 = Charset.forName("UTF-16BE");
    Files.writeString(file, "[{\"id\": \"a\", \"t\": \"\u00e9\"}, {\"id\": \"b\"}]", utf16);
    poll();
    Files.writeString(file, "[{\"id\": \"a\", \"t\": \"\u00e9\"}, {\"id\": \"b\", \"n\": 1}]", utf16);
    poll();

    assertThat(versions("a")).containsExactly("{\"id\":\"a\",\"t\":\"\u00e9\"}");
    assertThat(versions("b")).hasSize(2);
  }
}
