package dev.tended.worker.source;

import dev.tended.queue.PollOutcome;
import dev.tended.queue.QueueItem;
import dev.tended.queue.CanonicalJson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

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

  private void offer(Path entry) throws IOException {
    source.poll(sink);
    source.poll(sink);
    assertThat(sink.ids()).contains(entry.getFileName().toString());
  }

  private static Path tree(Path top, int dirs, int filesEach) throws IOException {
    for (int d = 0; d < dirs; d++) {
      Path dir = Files.createDirectories(top.resolve("d" + d).resolve("inner"));
      for (int f = 0; f < filesEach; f++) {
        Files.writeString(dir.resolve("f" + f), "x" + f, UTF_8);
      }
    }
    return top;
  }

  @Test
  void aFolderAlreadyOfferedIsNotWalkedAgainWhileNoFolderInItChanges() throws IOException {
    Path entry = tree(folder.resolve("impl-1"), 3, 5);
    offer(entry);
    long walksToOffer = source.walks();

    for (int i = 0; i < 5; i++) {
      assertThat(source.poll(sink).itemsOffered()).isZero();
    }

    assertThat(source.walks()).as("no walk once offered").isEqualTo(walksToOffer);
  }

  @Test
  void aNameAddedOrRemovedDeepInsideAnOfferedFolderIsSeenAtTheNextPoll() throws IOException {
    Path entry = tree(folder.resolve("impl-2"), 3, 5);
    offer(entry);

    Files.writeString(entry.resolve("d1/inner/new.txt"), "late", UTF_8);
    source.poll(sink);
    source.poll(sink);
    Files.delete(entry.resolve("d2/inner/f0"));
    source.poll(sink);
    source.poll(sink);

    assertThat(sink.ids()).containsExactly("impl-2", "impl-2", "impl-2");
    assertThat(sink.items()).extracting(QueueItem::contentHash).doesNotHaveDuplicates();
  }

  @Test
  void aFileRewrittenInPlaceInsideAnOfferedFolderIsSeenOnceItsLastWalkIsOlderThanTheBound() throws Exception {
    source = new DirectorySource("implementations", folder, 500, Duration.ofMillis(300));
    Path entry = tree(folder.resolve("impl-3"), 2, 2);
    offer(entry);
    Path deep = entry.resolve("d0/inner/f0");

    Files.writeString(deep, "rewritten in place, longer", UTF_8); // no folder's time changes

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      source.poll(sink);
      assertThat(sink.ids()).containsExactly("impl-3", "impl-3");
    });
  }

  @Test
  void aFileRewrittenInPlaceInsideAnOfferedFolderWaitsForTheBound() throws IOException {
    Path entry = tree(folder.resolve("impl-4"), 2, 2);
    offer(entry);

    Files.writeString(entry.resolve("d0/inner/f0"), "rewritten in place, longer", UTF_8);
    source.poll(sink);
    source.poll(sink);

    assertThat(sink.ids()).as("seen only at the next walk, %s away", DirectorySource.REWALK_EVERY)
        .containsExactly("impl-4");
  }

  /** Makes a file whose name is {@code printfName} as printf(1) writes it: bytes Java cannot name. */
  static void touchRaw(Path dir, String printfName) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", "touch \"$(printf '" + printfName + "')\"")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0)
        .as("touch %s", printfName).isTrue();
  }

  @Test
  void namesThatAreNotUtf8AreEachAFaultNamingTheirBytesAndTheOtherEntriesAreItems() throws Exception {
    touchRaw(folder, "a\\377");
    touchRaw(folder, "a\\376");
    Files.writeString(folder.resolve("fine.txt"), "x", UTF_8);

    source.poll(sink);
    PollOutcome second = source.poll(sink);

    assertThat(sink.ids()).containsExactly("fine.txt");
    assertThat(second.readFile()).isTrue();
    assertThat(second.error()).hasValueSatisfying(e -> assertThat(e)
        .contains("2 entries are not items")
        .contains("\"a\\xFE\" (name is not valid UTF-8)")
        .contains("\"a\\xFF\" (name is not valid UTF-8)"));
  }

  @Test
  void namesThatLookAlikeButDifferInBytesAreDistinctItemsWhosePathsOpen() throws Exception {
    String composed = "caf\u00e9";
    String decomposed = "cafe\u0301";
    Files.writeString(folder.resolve(composed), "nfc", UTF_8);
    Files.writeString(folder.resolve(decomposed), "nfd", UTF_8);

    source.poll(sink);
    source.poll(sink);

    assertThat(sink.ids()).containsExactlyInAnyOrder(composed, decomposed);
    for (QueueItem item : sink.items()) {
      Path path = Path.of(CanonicalJson.MAPPER.readTree(item.json()).get("path").asText());
      assertThat(path).exists().hasFileName(item.id());
    }
  }

  @Test
  void linksThatLoopDangleOrLeadToAFolderAreFaultsNamingThemAndALinkToAFileIsThatFile() throws Exception {
    Files.createSymbolicLink(folder.resolve("loop"), folder.resolve("loop"));
    Files.createSymbolicLink(folder.resolve("root"), Path.of("/"));
    Files.createSymbolicLink(folder.resolve("gone"), root.resolve("nothing-here"));
    Path target = Files.writeString(root.resolve("outside.txt"), "data", UTF_8);
    Files.createSymbolicLink(folder.resolve("to-file"), target);

    PollOutcome first = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> source.poll(sink));
    source.poll(sink);

    assertThat(source.walks()).as("no tree walked, / least of all").isZero();
    assertThat(sink.ids()).containsExactly("to-file");
    JsonNode json = CanonicalJson.MAPPER.readTree(sink.items().get(0).json());
    assertThat(json.get("kind").asText()).isEqualTo("file");
    assertThat(Files.readString(Path.of(json.get("path").asText()))).isEqualTo("data");
    assertThat(first.error()).hasValueSatisfying(e -> assertThat(e)
        .contains("3 entries are not items")
        .contains("\"gone\" (dangling symbolic link)")
        .contains("\"loop\" (symbolic link loop)")
        .contains("\"root\" (symbolic link to a folder (not followed))"));
  }

  @Test
  void aLinkInsideAFolderIsCountedNotFollowed() throws Exception {
    Path entry = Files.createDirectory(folder.resolve("impl-5"));
    Files.writeString(entry.resolve("a.txt"), "abc", UTF_8);
    Files.createSymbolicLink(entry.resolve("up"), Path.of("/"));
    Files.createSymbolicLink(entry.resolve("self"), entry);

    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      source.poll(sink);
      source.poll(sink);
    });

    assertThat(sink.ids()).containsExactly("impl-5");
    JsonNode json = CanonicalJson.MAPPER.readTree(sink.items().get(0).json());
    assertThat(json.get("size").asLong()).as("bytes of regular files only").isEqualTo(3);
  }
}
