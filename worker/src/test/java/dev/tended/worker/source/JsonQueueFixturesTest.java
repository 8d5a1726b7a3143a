package dev.tended.worker.source;

import dev.tended.queue.PollOutcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Broken queue files kept as resources, each with the items before its fault and the fault. Columns
 * are Jackson's: at end of input one past the last character, for a bad token or byte just past it.
 */
class JsonQueueFixturesTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      truncated-array.json  | a b | line 4, column 31: unexpected end of input
      unclosed-wrapper.json | a b | line 5, column 1: unexpected end of input
      garbage-line.jsonl    | a b c | line 2, column 18: bad line, skipped (the lines after it are taken): unrecognized token 'oops': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')
      missing-comma.json    | a   | line 1, column 14: unexpected character ('{' (code 123)): was expecting comma to separate Array entries
      invalid-utf8.jsonl    | a   | line 2, column 27: bad line, skipped (the lines after it are taken): invalid UTF-8 middle byte 0x22
      """)
  void brokenFixtureOffersTheItemsBeforeItsFaultThenReportsTheFault(
      String fixture, String ids, String fault) throws IOException {
    Path file = dir.resolve(fixture);
    try (InputStream in = getClass().getResourceAsStream("/queues/" + fixture)) {
      Files.copy(in, file);
    }
    JsonQueueSource source = new JsonQueueSource("fixtures", file, "id", dev.tended.config.SourceConfig.DEFAULT_MAX_ITEM_BYTES,
        new Quarantine(dir.resolve("quarantine"), TestSources.CLOCK, 20), TestSources.CLOCK, 500);
    RecordingSink sink = new RecordingSink();

    source.poll(sink);
    PollOutcome confirmed = source.poll(sink);

    assertThat(sink.ids()).containsExactlyElementsOf(Arrays.asList(ids.split(" ")));
    assertThat(confirmed.fault()).hasValueSatisfying(
        f -> assertThat(f.describe()).isEqualTo(fixture + ": " + fault));
  }
}
