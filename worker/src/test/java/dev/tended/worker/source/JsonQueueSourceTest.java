package dev.tended.worker.source;

import dev.tended.queue.ItemSink;
import dev.tended.queue.PollOutcome;
import dev.tended.queue.QueueItem;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tended.io.AtomicFiles;
import dev.tended.io.SafeFileNames;
import dev.tended.status.QueueFault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import dev.tended.config.SourceConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonQueueSourceTest {
  @TempDir Path dir;
  Path file;
  Path quarantineDir;
  JsonQueueSource source;
  RecordingSink sink = new RecordingSink();

  @BeforeEach
  void setUp() {
    file = dir.resolve("ideas_log.json");
    quarantineDir = dir.resolve("quarantine").resolve("ideas");
    source = sourceFor("id", 500);
  }

  private JsonQueueSource sourceFor(String idField, int batchSize) {
    return new JsonQueueSource("ideas", file, idField, dev.tended.config.SourceConfig.DEFAULT_MAX_ITEM_BYTES,
        new Quarantine(quarantineDir, TestSources.CLOCK, 20), TestSources.CLOCK, batchSize);
  }

  private void write(String content) throws IOException {
    Files.writeString(file, content, UTF_8);
  }

  private void append(String content) throws IOException {
    Files.writeString(file, content, UTF_8, StandardOpenOption.APPEND);
  }

  private List<Path> quarantined() throws IOException {
    if (!Files.exists(quarantineDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(quarantineDir)) {
      return files.toList();
    }
  }

  @Test
  void aJsonArrayOffersEachElementAsAnItem() throws IOException {
    write("[{\"id\": \"a\"}, {\"id\": \"b\"},\n {\"id\": \"c\"}]");

    PollOutcome outcome = source.poll(sink);

    assertThat(sink.ids()).containsExactly("a", "b", "c");
    assertThat(outcome.readFile()).isTrue();
    assertThat(outcome.itemsOffered()).isEqualTo(3);
    assertThat(outcome.fault()).isEmpty();
    assertThat(outcome.error()).isEmpty();
    assertThat(outcome.absent()).isFalse();
  }

  @Test
  void anObjectHoldingOneArrayOffersTheArraysElementsWhateverTheFieldIsCalled() throws IOException {
    write("{\"pending_ideas\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}\n");

    source.poll(sink);

    assertThat(sink.ids()).containsExactly("a", "b");
  }

  @Test
  void anObjectWithMoreThanOneFieldIsOneItemNotAWrapper() throws IOException {
    write("{\"tags\": [1, 2], \"id\": \"x\"}\n");

    source.poll(sink);

    assertThat(sink.items()).extracting(QueueItem::id, QueueItem::json)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("x", "{\"id\":\"x\",\"tags\":[1,2]}"));
  }

  @Test
  void jsonLinesOfferOneItemPerLine() throws IOException {
    write("{\"id\": \"a\", \"t\": 1}\n{\"id\": \"b\", \"t\": 2}\n\n{\"id\": \"c\", \"t\": 3}\n");

    source.poll(sink);

    assertThat(sink.ids()).containsExactly("a", "b", "c");
  }

  @Test
  void whitespaceSeparatedRootValuesAreItemsToo() throws IOException {
    write("{\"id\": \"a\"} {\"id\": \"b\"}\t\"just text\"   {\"id\": \"c\"}");

    source.poll(sink);

    assertThat(sink.items()).hasSize(4);
    assertThat(sink.ids()).startsWith("a", "b").endsWith("c");
    assertThat(sink.items().get(2).json()).isEqualTo("\"just text\"");
  }

  @Test
  void anEmptyFileHasNoItemsAndNoFault() throws IOException {
    write("  \n");

    PollOutcome outcome = source.poll(sink);

    assertThat(outcome.itemsOffered()).isZero();
    assertThat(outcome.fault()).isEmpty();
    assertThat(outcome.readFile()).isTrue();
  }

  @Test
  void theIdComesFromTheConfiguredFieldAsTextWhetherStringOrNumber() throws IOException {
    source = sourceFor("key", 500);
    write("[{\"key\": \"idea-7\"}, {\"key\": 42}, {\"key\": 1.50}, {\"id\": \"ignored\", \"key\": \"k\"}]");

    source.poll(sink);

    assertThat(sink.ids()).containsExactly("idea-7", "42", "1.50", "k");
  }

  @Test
  void anItemWithoutAUsableIdIsIdentifiedByAHashOfItsCanonicalJson() throws IOException {
    write("[{\"title\": \"no id\"}, {\"id\": null}, {\"id\": {\"nested\": 1}}, {\"id\": true},"
        + " {\"id\": \"\"}, \"plain text\", 17]");

    source.poll(sink);

    assertThat(sink.items()).hasSize(7).allSatisfy(item -> {
      assertThat(item.id()).isEqualTo("h-" + item.contentHash().substring(0, 20));
      assertThat(item.id()).hasSize(22);
    });
    assertThat(sink.items().get(0).contentHash())
        .isEqualTo(SafeFileNames.sha256Hex("{\"title\":\"no id\"}"));
  }

  @Test
  void theContentHashIgnoresKeyOrderAndWhitespaceButNotContent() throws IOException {
    write("{\"id\": \"a\", \"b\": 1, \"a\": [1, {\"y\": 2, \"x\": 1}]}\n"
        + "{\"a\":[1,{\"x\":1,\"y\":2}],\"b\":1,\"id\":\"a\"}\n"
        + "{\"id\": \"a\", \"b\": 2, \"a\": [1, {\"y\": 2, \"x\": 1}]}\n");

    source.poll(sink);

    List<QueueItem> items = sink.items();
    assertThat(items.get(0).json()).isEqualTo("{\"a\":[1,{\"x\":1,\"y\":2}],\"b\":1,\"id\":\"a\"}");
    assertThat(items.get(1)).isEqualTo(items.get(0));
    assertThat(items.get(0).contentHash()).isEqualTo(SafeFileNames.sha256Hex(items.get(0).json()));
    assertThat(items.get(2).id()).isEqualTo("a");
    assertThat(items.get(2).contentHash()).isNotEqualTo(items.get(0).contentHash());
  }

  @Test
  void anUnchangedFileIsOnlyStatedNotParsedAgain() throws IOException {
    write("[{\"id\": \"a\"}]");
    FileTime mtime = Files.getLastModifiedTime(file);
    source.poll(sink);
    sink.clear();
    // Same size, same mtime, same inode: to a stat the file has not changed.
    write("[{\"id\": \"b\"}]");
    Files.setLastModifiedTime(file, mtime);

    PollOutcome outcome = source.poll(sink);

    assertThat(outcome.readFile()).isFalse();
    assertThat(outcome.itemsOffered()).isZero();
    assertThat(sink.items()).isEmpty();
    assertThat(source.parses()).isEqualTo(1);
  }

  @Test
  void anAtomicReplacementIsPickedUpEvenWithTheSameSizeAndModificationTime() throws IOException {
    write("[{\"id\": \"a\"}]");
    FileTime mtime = Files.getLastModifiedTime(file);
    source.poll(sink);
    sink.clear();
    Path temp = dir.resolve(".ideas_log.json.tmp");
    Files.writeString(temp, "[{\"id\": \"b\"}]", UTF_8);
    Files.setLastModifiedTime(temp, mtime);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    PollOutcome outcome = source.poll(sink);

    assertThat(outcome.readFile()).isTrue();
    assertThat(sink.ids()).containsExactly("b");
  }

  @Test
  void aTruncatedFileOffersItsCompleteItemsAndIsQuarantinedOnceWhenItStaysBroken()
      throws IOException {
    String complete = "[\n  {\"id\": \"a\", \"n\": 1},\n  {\"id\": \"b\", \"n\": 2},\n"
        + "  {\"id\": \"c\", \"n\": 3}\n]\n";
    String truncated = complete.substring(0, complete.indexOf("\"n\": 3") + 4);
    assertThat(truncated).endsWith("  {\"id\": \"c\", \"n\":");
    write(truncated);

    PollOutcome first = source.poll(sink);

    assertThat(sink.ids()).containsExactly("a", "b");
    assertThat(first.fault()).as("one sighting may be a producer mid-write").isEmpty();
    assertThat(quarantined()).isEmpty();

    PollOutcome second = source.poll(sink);

    assertThat(second.readFile()).isFalse();
    QueueFault fault = second.fault().orElseThrow();
    assertThat(fault.describe()).isEqualTo("ideas_log.json: line 4, column 19: unexpected end of input");
    assertThat(fault.since()).isEqualTo(TestSources.NOW);
    Path copy = quarantineDir.resolve("ideas_log.json." + TestSources.NOW_SUFFIX);
    assertThat(fault.quarantinedAs()).isEqualTo(copy.toString());
    assertThat(quarantined()).containsExactly(copy);
    assertThat(copy).hasContent(truncated);
    assertThat(file).as("the producer's file is left alone").hasContent(truncated);

    PollOutcome third = source.poll(sink);

    assertThat(third.fault()).contains(fault);
    assertThat(quarantined()).containsExactly(copy);

    sink.clear();
    AtomicFiles.write(file, complete.getBytes(UTF_8));
    PollOutcome repaired = source.poll(sink);

    assertThat(repaired.fault()).isEmpty();
    assertThat(sink.ids()).containsExactly("a", "b", "c");
  }

  @Test
  void aQuarantineCopyThatFailedIsMadeAfreshAtALaterPollOfTheSameVersion() throws IOException {
    Files.createDirectories(quarantineDir.getParent());
    Files.writeString(quarantineDir, "a file where the quarantine folder should be");
    write("[{\"id\": \"a\"},\n{\"id\": ");
    source.poll(sink);

    PollOutcome failed = source.poll(sink);

    assertThat(failed.fault().orElseThrow().quarantinedAs()).isNull();
    Files.delete(quarantineDir);

    PollOutcome retried = source.poll(sink);

    Path copy = quarantineDir.resolve("ideas_log.json." + TestSources.NOW_SUFFIX);
    assertThat(retried.readFile()).isFalse();
    assertThat(retried.fault().orElseThrow().quarantinedAs()).isEqualTo(copy.toString());
    assertThat(retried.fault().orElseThrow().since()).isEqualTo(failed.fault().orElseThrow().since());
    assertThat(copy).hasContent("[{\"id\": \"a\"},\n{\"id\": ");
  }

  @Test
  void aRestartedSourceDoesNotQuarantineTheSameBrokenVersionTwice() throws IOException {
    write("[{\"id\": \"a\"},\n{\"id\": ");
    source.poll(sink);
    source.poll(sink);
    JsonQueueSource restarted = sourceFor("id", 500);

    restarted.poll(sink);
    PollOutcome outcome = restarted.poll(sink);

    assertThat(outcome.fault()).isPresent();
    assertThat(quarantined()).hasSize(1);
  }

  @Test
  void aFileGrowingBetweenPollsReportsNoFaultAndEventuallyOffersEveryItem() throws IOException {
    write("{\"id\": \"a\"}\n{\"id\": \"b\"}\n{\"id\": \"c\", \"ti");

    PollOutcome midWrite = source.poll(sink);
    append("tle\": \"done\"}\n");
    PollOutcome completed = source.poll(sink);
    PollOutcome settled = source.poll(sink);

    assertThat(midWrite.fault()).isEmpty();
    assertThat(completed.fault()).isEmpty();
    assertThat(settled.fault()).isEmpty();
    assertThat(settled.readFile()).isFalse();
    assertThat(sink.ids()).containsExactly("a", "b", "a", "b", "c");
    assertThat(quarantined()).isEmpty();
  }

  @Test
  void aFileThatChangedWhileBeingReadIsReadAgainWithoutSuspectingAFault() throws IOException {
    write("{\"id\": \"a\"}\n{\"id\": \"b\", \"ti");
    source = sourceFor("id", 1);
    boolean[] appended = {false};
    ItemSink producerFinishesDuringTheRead = batch -> {
      sink.accept(batch);
      if (!appended[0]) {
        appended[0] = true;
        append("tle\": \"done\"}\n");
      }
    };

    PollOutcome during = source.poll(producerFinishesDuringTheRead);
    PollOutcome next = source.poll(sink);

    assertThat(during.fault()).isEmpty();
    assertThat(next.readFile()).as("a version seen changing is never taken as done").isTrue();
    assertThat(next.fault()).isEmpty();
    assertThat(sink.ids()).containsExactly("a", "b", "a", "b");
    assertThat(source.poll(sink).fault()).isEmpty();
    assertThat(quarantined()).isEmpty();
  }

  @Test
  void aBadLineInAnAppendedTailIsReportedAtItsLineAndColumnInTheWholeFileAndTheLinesAfterItAreTaken()
      throws IOException {
    write("{\"id\": \"a\"}\n{\"id\": \"b\"}\n");
    source.poll(sink);
    sink.clear();
    append("{\"id\": \"c\"}\n  {\"id\": oops}\n{\"id\": \"d\"}\n");

    PollOutcome first = source.poll(sink);

    assertThat(sink.ids()).containsExactly("a", "b", "c", "d");
    assertThat(first.fault().orElseThrow().describe()).isEqualTo("ideas_log.json: line 4, column 15: bad line, skipped"
        + " (the lines after it are taken): unrecognized token 'oops': was expecting (JSON String, Number, Array,"
        + " Object or token 'null', 'true' or 'false')");
    assertThat(Path.of(first.fault().orElseThrow().quarantinedAs())).hasContent("  {\"id\": oops}");
  }

  @Test
  void aTornLineIsOneBadItemAndAWholeLineAppendedRightAfterItIsStillTaken() throws IOException {
    write("{\"id\": \"a\"}\n{\"id\": \"torn\", \"ti");
    PollOutcome midWrite = source.poll(sink);
    append("{\"id\": \"b\"}\n{\"id\": \"c\"}\n");

    PollOutcome after = source.poll(sink);

    assertThat(midWrite.fault()).as("a last line without its newline is being written").isEmpty();
    assertThat(sink.ids()).containsExactly("a", "a", "b", "c");
    assertThat(after.fault().orElseThrow().line()).isEqualTo(2);
    assertThat(Path.of(after.fault().orElseThrow().quarantinedAs())).hasContent("{\"id\": \"torn\", \"ti");
  }

  @Test
  void aBadLineIsReportedOnceAndShownForABoundedTime() throws IOException {
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(TestSources.CLOCK.instant());
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return now.get();
      }
    };
    source = new JsonQueueSource("ideas", file, "id", SourceConfig.DEFAULT_MAX_ITEM_BYTES,
        new Quarantine(quarantineDir, moving, 20), moving, 500);
    write("{\"id\": \"a\"}\nnot json\n");
    assertThat(source.poll(sink).fault()).isPresent();
    append("{\"id\": \"b\"}\n");
    PollOutcome later = source.poll(sink);

    now.set(now.get().plus(JsonQueueSource.BAD_LINE_SHOWN_FOR));
    PollOutcome expired = source.poll(sink);

    assertThat(later.fault().orElseThrow().line()).as("still shown").isEqualTo(2);
    assertThat(expired.fault()).isEmpty();
    assertThat(quarantined()).hasSize(1);
  }

  @Test
  void aFifoWhereTheFileShouldBeIsAnErrorNotAHang() throws Exception {
    assumeTrue(TestSources.makeFifo(file), "mkfifo is available");

    PollOutcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> source.poll(sink));

    assertThat(outcome.error()).hasValueSatisfying(error -> assertThat(error)
        .contains(file.toString()).contains("not a regular file"));
    assertThat(outcome.readFile()).isFalse();
    assertThat(outcome.absent()).isFalse();
  }

  @Test
  void aDirectoryWhereTheFileShouldBeIsAnError() throws IOException {
    Files.createDirectory(file);

    PollOutcome outcome = source.poll(sink);

    assertThat(outcome.error()).contains(file + ": not a regular file (directory)");
  }

  @Test
  void aMissingFileIsAbsentNotAnError() throws IOException {
    PollOutcome outcome = source.poll(sink);

    assertThat(outcome.absent()).isTrue();
    assertThat(outcome.error()).isEmpty();
    assertThat(outcome.fault()).isEmpty();
    assertThat(outcome.readFile()).isFalse();
  }

  @Test
  void aFaultIsClearedWhenTheFileDisappears() throws IOException {
    write("[{\"id\": ");
    source.poll(sink);
    assertThat(source.poll(sink).fault()).isPresent();
    Files.delete(file);

    PollOutcome outcome = source.poll(sink);

    assertThat(outcome.absent()).isTrue();
    assertThat(outcome.fault()).isEmpty();
  }

  @Test
  void itemsAreHandedOverInBatchesOfTheConfiguredSize() throws IOException {
    source = sourceFor("id", 2);
    write("[1, 2, 3, 4, 5]");

    source.poll(sink);

    assertThat(sink.batches).extracting(List::size).containsExactly(2, 2, 1);
  }
}
