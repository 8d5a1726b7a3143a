package dev.tended.worker.source;

import dev.tended.queue.PollOutcome;
import dev.tended.queue.QueueItem;
import dev.tended.queue.CanonicalJson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {
  @TempDir Path root;
  Path folder;
  DirectorySource source;
  RecordingSink sink = new RecordingSink();

  @BeforeEach
  void setUp() throws IOException {
    folder = Files.createDirectory(root.resolve("implementations"));
    source = new DirectorySource("implementations", folder, 500);
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void anEntryIsOfferedOnlyOnceItsStampIsTheSameOnTwoPolls() throws IOException {
    Path entry = folder.resolve("feature-a.md");
    Files.writeString(entry, "hello", UTF_8);

    PollOutcome first = source.poll(sink);

    assertThat(first.itemsOffered()).isZero();
    assertThat(first.readFile()).isTrue();

    PollOutcome second = source.poll(sink);

    assertThat(second.itemsOffered()).isEqualTo(1);
    QueueItem item = sink.items().get(0);
    assertThat(item.id()).isEqualTo("feature-a.md");
    JsonNode json = CanonicalJson.MAPPER.readTree(item.json());
    assertThat(json.get("name").asText()).isEqualTo("feature-a.md");
    assertThat(json.get("path").asText()).isEqualTo(entry.toAbsolutePath().toString());
    assertThat(json.get("kind").asText()).isEqualTo("file");
    assertThat(json.get("size").asLong()).isEqualTo(5);
    assertThat(Instant.parse(json.get("modifiedAt").asText()))
        .isEqualTo(Files.getLastModifiedTime(entry).toInstant());
    assertThat(item.json()).startsWith("{\"kind\":").as("canonical: keys sorted");

    assertThat(source.poll(sink).itemsOffered()).as("offered once per version").isZero();
  }

  @Test
  void hiddenAndTemporaryNamesAreNeverOffered() throws IOException {
    for (String name : new String[] {".hidden", ".#lock", "#autosave#", "draft.tmp", "dl.part",
        "dl.partial", "notes.txt~", "notes.txt.swp", "UPPER.TMP", "ready.txt"}) {
      Files.writeString(folder.resolve(name), "x", UTF_8);
    }
    Files.createDirectory(folder.resolve(".git"));

    source.poll(sink);
    source.poll(sink);

    assertThat(sink.ids()).containsExactly("ready.txt");
  }

  @Test
  void aFileStillGrowingIsNotOfferedUntilItStops() throws IOException {
    Path entry = folder.resolve("upload.bin");
    for (int i = 0; i < 4; i++) {
      append(entry, "chunk " + i + "\n");
      source.poll(sink);
    }
    assertThat(sink.items()).isEmpty();

    source.poll(sink);

    assertThat(sink.ids()).containsExactly("upload.bin");
  }

  @Test
  void aChangeAnywhereInASubFoldersTreeDelaysIt() throws IOException {
    Path sub = folder.resolve("impl-7");
    Path deep = Files.createDirectories(sub.resolve("src/main"));
    Files.writeString(deep.resolve("A.java"), "class A {}", UTF_8);
    source.poll(sink);

    append(deep.resolve("A.java"), "\n// more");
    source.poll(sink);
    Files.createFile(deep.resolve("Empty.java"));
    source.poll(sink);
    assertThat(sink.items()).as("the tree changed on every poll").isEmpty();

    source.poll(sink);

    assertThat(sink.ids()).containsExactly("impl-7");
    JsonNode json = CanonicalJson.MAPPER.readTree(sink.items().get(0).json());
    assertThat(json.get("kind").asText()).isEqualTo("directory");
    assertThat(json.get("size").asLong()).isEqualTo("class A {}\n// more".length());
  }

  @Test
  void anEntryChangedAfterItWasOfferedIsOfferedAgainAsANewVersion() throws IOException {
    Path entry = folder.resolve("idea.txt");
    Files.writeString(entry, "v1", UTF_8);
    source.poll(sink);
    source.poll(sink);
    append(entry, " and v2");

    source.poll(sink);
    source.poll(sink);

    assertThat(sink.ids()).containsExactly("idea.txt", "idea.txt");
    assertThat(sink.items().get(1).contentHash()).isNotEqualTo(sink.items().get(0).contentHash());
  }

  @Test
  void entriesReadyTogetherAreHandedOverInBatches() throws IOException {
    source = new DirectorySource("implementations", folder, 2);
    for (String name : new String[] {"a", "b", "c"}) {
      Files.writeString(folder.resolve(name), name, UTF_8);
    }

    source.poll(sink);
    source.poll(sink);

    assertThat(sink.batches).extracting(java.util.List::size).containsExactly(2, 1);
    assertThat(sink.ids()).containsExactly("a", "b", "c");
  }

  @Test
  void aFifoInTheFolderIsSkippedWithoutHanging() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        TestSources.makeFifo(folder.resolve("pipe")), "mkfifo is available");
    Files.writeString(folder.resolve("real.txt"), "x", UTF_8);

    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      source.poll(sink);
      source.poll(sink);
    });

    assertThat(sink.ids()).containsExactly("real.txt");
  }

  @Test
  void aMissingFolderIsAbsentNotAnError() throws IOException {
    source = new DirectorySource("later", root.resolve("not-yet"), 500);

    PollOutcome outcome = source.poll(sink);

    assertThat(outcome.absent()).isTrue();
    assertThat(outcome.error()).isEmpty();
    assertThat(outcome.readFile()).isFalse();
  }

  @Test
  void aFileWhereTheFolderShouldBeIsAnError() throws IOException {
    Path file = Files.writeString(root.resolve("oops"), "x", UTF_8);
    source = new DirectorySource("oops", file, 500);

    PollOutcome outcome = source.poll(sink);

    assertThat(outcome.error()).contains(file + ": not a directory (regular file)");
  }
}
