package dev.tended.worker.source;

import dev.tended.queue.QueueSource;
import dev.tended.queue.ItemSink;
import dev.tended.queue.PollOutcome;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tended.config.SourceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every {@link QueueSource} promises, run against both kinds made by {@link QueueSources}. */
class JsonQueueAndDirectoryContractTest {
  @TempDir Path dir;

  /** How each kind of queue is laid out on disk. */
  enum Kind {
    JSON_QUEUE(SourceType.JSON_QUEUE, "QAissue.json") {
      @Override
      void addOneItem(Path path) throws IOException {
        Files.writeString(path, "[{\"id\": \"qa-1\"}]", UTF_8);
      }

      @Override
      void putWrongKindOfThing(Path path) throws IOException {
        Files.createDirectory(path);
      }
    },
    DIRECTORY(SourceType.DIRECTORY, "implementations") {
      @Override
      void addOneItem(Path path) throws IOException {
        Files.createDirectories(path);
        Files.writeString(path.resolve("impl-1.md"), "done", UTF_8);
      }

      @Override
      void putWrongKindOfThing(Path path) throws IOException {
        Files.writeString(path, "not a folder", UTF_8);
      }
    };

    final SourceType type;
    final String fileName;

    Kind(SourceType type, String fileName) {
      this.type = type;
      this.fileName = fileName;
    }

    abstract void addOneItem(Path path) throws IOException;

    abstract void putWrongKindOfThing(Path path) throws IOException;
  }

  private QueueSource create(Kind kind, Path path) {
    return QueueSources.create(
        TestSources.config("qa", kind.type, path, "id"), dir.resolve("quarantine"), TestSources.CLOCK);
  }

  /** Polls until something is offered; a directory needs two polls to see an entry settle. */
  private static PollOutcome pollUntilOffered(QueueSource source, ItemSink sink) throws IOException {
    PollOutcome outcome = null;
    for (int i = 0; i < 3; i++) {
      outcome = source.poll(sink);
      if (outcome.itemsOffered() > 0) {
        return outcome;
      }
    }
    return outcome;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aQueueThatDoesNotExistYetIsAbsentAndLaterItsItemsAreOffered(Kind kind) throws IOException {
    Path path = dir.resolve(kind.fileName);
    QueueSource source = create(kind, path);
    RecordingSink sink = new RecordingSink();

    PollOutcome before = source.poll(sink);
    kind.addOneItem(path);
    PollOutcome after = pollUntilOffered(source, sink);

    assertThat(source.name()).isEqualTo("qa");
    assertThat(before.absent()).isTrue();
    assertThat(before.error()).isEmpty();
    assertThat(after.absent()).isFalse();
    assertThat(after.itemsOffered()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theWrongKindOfThingAtThePathIsAnErrorNamingThePath(Kind kind) throws IOException {
    Path path = dir.resolve(kind.fileName);
    kind.putWrongKindOfThing(path);

    PollOutcome outcome = create(kind, path).poll(new RecordingSink());

    assertThat(outcome.error()).hasValueSatisfying(e -> assertThat(e).startsWith(path + ": not a"));
    assertThat(outcome.absent()).isFalse();
    assertThat(outcome.itemsOffered()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void itemsASinkFailedToStoreAreOfferedAgainAtTheNextPoll(Kind kind) throws IOException {
    Path path = dir.resolve(kind.fileName);
    kind.addOneItem(path);
    QueueSource source = create(kind, path);
    IOException diskFull = new IOException("ledger: disk full");
    ItemSink failing = batch -> {
      throw diskFull;
    };

    assertThatThrownBy(() -> pollUntilOffered(source, failing)).isSameAs(diskFull);
    RecordingSink sink = new RecordingSink();
    PollOutcome retried = source.poll(sink);

    assertThat(retried.itemsOffered()).isEqualTo(1);
    assertThat(sink.items()).hasSize(1);
  }
}
