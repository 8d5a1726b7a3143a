package dev.tended.worker.source;

import dev.tended.queue.PollOutcome;
import dev.tended.queue.SinkFailedException;
import dev.tended.queue.Batcher;
import dev.tended.queue.JsonItemReader;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader holds one item tree and one batch at a time, never the file. */
class JsonQueueStreamingTest {
  @TempDir Path dir;

  /** An endless JSON array: {@code [{"id":0,"pad":"..."},{"id":1,...},...}, counting bytes read. */
  static final class EndlessArray extends InputStream {
    long served;
    private long next;
    private byte[] chunk = "[".getBytes(UTF_8);
    private int pos;

    @Override
    public int read() {
      if (pos == chunk.length) {
        chunk = ("{\"id\":" + next++ + ",\"pad\":\"" + "x".repeat(80) + "\"},").getBytes(UTF_8);
        pos = 0;
      }
      served++;
      return chunk[pos++];
    }

    @Override
    public int read(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        b[off + i] = (byte) read();
      }
      return len;
    }
  }

  @Test
  void theFirstBatchArrivesAfterReadingOnlyAboutOneBatchOfAnEndlessFile() {
    EndlessArray[] latest = {null}; // the reader opens the "file" once to skim, once to read
    long[] servedAtFirstBatch = {-1};
    IOException stop = new IOException("seen enough");
    Batcher batcher = new Batcher(batch -> {
      assertThat(batch).hasSize(500);
      servedAtFirstBatch[0] = latest[0].served;
      throw stop;
    }, 500);
    JsonItemReader reader = new JsonItemReader("id", dev.tended.config.SourceConfig.DEFAULT_MAX_ITEM_BYTES);
    JsonItemReader.Opener opener = () -> latest[0] = new EndlessArray();

    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> reader.read(opener, batcher))
            .isInstanceOf(SinkFailedException.class).hasCause(stop));

    // 500 items of ~100 bytes plus the parser's buffers: far below anything file-sized.
    assertThat(servedAtFirstBatch[0]).isBetween(500L * 90, 500L * 100 + 64 * 1024);
  }

  @Test
  void aFiftyMegabyteArrayIsReadInBatchesOfFiveHundred() throws IOException {
    Path file = dir.resolve("big.json");
    int count = 400_000;
    try (BufferedWriter out = Files.newBufferedWriter(file, UTF_8)) {
      out.write('[');
      for (int i = 0; i < count; i++) {
        out.write(i == 0 ? "\n" : ",\n");
        out.write("{\"id\":" + i + ",\"pad\":\"" + "y".repeat(100) + "\"}");
      }
      out.write("]\n");
    }
    assertThat(Files.size(file)).isGreaterThan(45_000_000L);
    long[] received = {0};
    int[] largestBatch = {0};
    String[] lastId = {null};
    JsonQueueSource source = new JsonQueueSource("big", file, "id", dev.tended.config.SourceConfig.DEFAULT_MAX_ITEM_BYTES,
        new Quarantine(dir.resolve("quarantine"), TestSources.CLOCK, 20), TestSources.CLOCK,
        QueueSources.BATCH_SIZE);

    PollOutcome outcome = source.poll(batch -> {
      received[0] += batch.size();
      largestBatch[0] = Math.max(largestBatch[0], batch.size());
      lastId[0] = batch.get(batch.size() - 1).id();
    });

    assertThat(outcome.fault()).isEmpty();
    assertThat(outcome.itemsOffered()).isEqualTo(count);
    assertThat(received[0]).isEqualTo(count);
    assertThat(largestBatch[0]).isEqualTo(500);
    assertThat(lastId[0]).isEqualTo(String.valueOf(count - 1));
    assertThat(outcome.readFile()).isTrue();
  }
}
