package dev.tended.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.RetentionConfig;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A retention run over a real ledger and data folder: what goes, what stays, and files that resist. */
class RetentionRunTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final RetentionConfig SHORT = new RetentionConfig(Duration.ofDays(1), Duration.ofDays(2),
      Duration.ZERO, 3, Duration.ofMinutes(10));

  @TempDir Path data;

  private Path results() {
    return data.resolve("results");
  }

  private Path work() {
    return data.resolve("work");
  }

  private SqliteLedgerStore store() {
    return SqliteLedgerStore.at(data.resolve("ledger.db"));
  }

  private RetentionRun runAt(Instant now, RetentionConfig config, int batch) {
    return new RetentionRun(config, new PrunedFiles(data, results(), work()), SweepMark.in(data), Clock.fixed(now, ZoneOffset.UTC), batch);
  }

  /** Finishes {@code id}'s version {@code content} as {@code to} at T0, with its result file and work folder. */
  private void finished(ItemLedger ledger, String id, String content, ItemState to) throws IOException {
    String hash = "hash-" + id + "-" + content;
    ledger.recordSeen("ideas", List.of(new NewItem(id, hash, "{\"id\":\"" + id + "\"}")));
    ItemRecord r = ledger.claimDue("ideas", 10).stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    ledger.finish(r.seq(), to, AttemptEnding.EXITED, 0, null, null);
    writeResult(id, hash, to);
    Path dir = WorkFolders.of(work(), "ideas", id, hash);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("input.json"), "{\"id\":\"" + id + "\"}");
    Files.writeString(dir.resolve("attempt-1.stdout"), "done\n");
  }

  private void writeResult(String id, String hash, ItemState to) throws IOException {
    Path file = ItemResult.fileIn(results(), "ideas", id);
    Files.createDirectories(file.getParent());
    Files.write(file, StatusFiles.mapper().writeValueAsBytes(new ItemResult("ideas", id, hash, to.wireName(), 1, 0,
        T0, T0, 5, null, "", "")));
  }

  @Test
  void aRunPrunesOldItemsWithTheirResultFilesAndWorkFoldersAndReportsIt() throws IOException {
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
      finished(ledger, "b", "1", ItemState.SUCCEEDED);
      finished(ledger, "c", "1", ItemState.DEAD);
      PruneReport r = runAt(T0.plus(Duration.ofDays(1)).plusSeconds(1), SHORT, 1).run(ledger.pruning(), () -> false);

      assertThat(r.succeeded()).isEqualTo(2);
      assertThat(r.dead()).as("within deadFor").isZero();
      assertThat(r.resultFiles()).isEqualTo(2);
      assertThat(r.workFolders()).isEqualTo(2);
      assertThat(r.batches()).as("batches of one, then an empty one, then the vacuum steps").isGreaterThanOrEqualTo(3);
      assertThat(r.fileBytes()).isPositive();
      assertThat(ItemResult.fileIn(results(), "ideas", "a")).doesNotExist();
      assertThat(WorkFolders.perId(work(), "ideas", "a")).doesNotExist();
      assertThat(ItemResult.fileIn(results(), "ideas", "c")).exists();
      assertThat(WorkFolders.of(work(), "ideas", "c", "hash-c-1")).exists();
    }
  }

  @Test
  void theResultFileOfANewerVersionOfThePrunedIdStays() throws IOException {
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
      finished(ledger, "a", "2", ItemState.SUCCEEDED); // its result replaced the first one's
    }
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC));
        LedgerView view = store().openView()) {
      PruneReport r = runAt(T0.plus(Duration.ofDays(3)), SHORT, 500).run(ledger.pruning(), () -> false);
      assertThat(r.succeeded()).isEqualTo(2);
      assertThat(r.resultFiles()).as("one file per id, the newer version's").isEqualTo(1);
      assertThat(r.workFolders()).isEqualTo(2);
      assertThat(view.identities("ideas", "a")).hasSize(2);
    }
  }

  @Test
  void aResultFileOfAnotherVersionIsNotRemoved() throws IOException {
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
      writeResult("a", "hash-of-a-newer-version", ItemState.SUCCEEDED);
      PruneReport r = runAt(T0.plus(Duration.ofDays(3)), SHORT, 500).run(ledger.pruning(), () -> false);
      assertThat(r.succeeded()).isEqualTo(1);
      assertThat(r.resultFiles()).isZero();
      assertThat(ItemResult.fileIn(results(), "ideas", "a")).exists();
    }
  }

  @Test
  void aWorkFolderBehindAPlantedLinkIsNotFollowedAndDoesNotStopPruning() throws IOException {
    Path elsewhere = Files.createDirectories(data.resolve("elsewhere"));
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
      Path perId = WorkFolders.perId(work(), "ideas", "a");
      Path version = WorkFolders.of(work(), "ideas", "a", "hash-a-1");
      Files.move(version, elsewhere.resolve(version.getFileName()));
      Files.delete(perId);
      Files.createSymbolicLink(perId, elsewhere);
      finished(ledger, "b", "1", ItemState.SUCCEEDED);

      PruneReport r = runAt(T0.plus(Duration.ofDays(3)), SHORT, 500).run(ledger.pruning(), () -> false);

      assertThat(r.succeeded()).isEqualTo(2);
      assertThat(r.fileFailures()).isEqualTo(1);
      assertThat(r.workFolders()).isEqualTo(1);
      assertThat(elsewhere.resolve(version.getFileName()).resolve("input.json")).exists();
      assertThat(WorkFolders.perId(work(), "ideas", "b")).doesNotExist();
    }
  }

  /** The run of another node's data folder on the same ledger. */
  private RetentionRun otherNodeAt(Instant now) {
    Path other = data.resolve("other-node");
    return new RetentionRun(SHORT, new PrunedFiles(other, other.resolve("results"), other.resolve("work")),
        SweepMark.in(other), Clock.fixed(now, ZoneOffset.UTC), 500);
  }

  @Test
  void theFilesOfAnItemAnotherNodePrunedAreRemovedFromThisDataFolderAtItsNextRun() throws IOException {
    Instant prunedAt = T0.plus(Duration.ofDays(3));
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
    }
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(prunedAt, ZoneOffset.UTC))) {
      PruneReport there = otherNodeAt(prunedAt).run(ledger.pruning(), () -> false);
      assertThat(there.succeeded()).isEqualTo(1);
      assertThat(there.resultFiles()).as("the other node has no files of it").isZero();
      assertThat(ItemResult.fileIn(results(), "ideas", "a")).exists();

      PruneReport here = runAt(prunedAt.plusSeconds(60), SHORT, 500).run(ledger.pruning(), () -> false);

      assertThat(here.items()).as("nothing left to prune").isZero();
      assertThat(here.resultFiles()).isEqualTo(1);
      assertThat(here.workFolders()).isEqualTo(1);
      assertThat(ItemResult.fileIn(results(), "ideas", "a")).doesNotExist();
      assertThat(WorkFolders.perId(work(), "ideas", "a")).doesNotExist();
      assertThat(SweepMark.in(data).read()).isEqualTo(prunedAt);
    }
  }

  @Test
  void aSweepReadsFromItsMarkLessTheOverlapAndLeavesTheMarkWhenNothingNewerWasPruned() throws IOException {
    Instant first = T0.plus(Duration.ofDays(3));
    Instant second = first.plus(Duration.ofHours(1));
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
    }
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(first, ZoneOffset.UTC))) {
      otherNodeAt(first).run(ledger.pruning(), () -> false);
      finished(ledger, "b", "1", ItemState.SUCCEEDED);
    }
    Instant mark = second.plus(RetentionRun.SWEEP_OVERLAP).minusSeconds(1);
    SweepMark.in(data).write(mark);
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(second, ZoneOffset.UTC))) {
      otherNodeAt(second.plus(Duration.ofDays(3))).run(ledger.pruning(), () -> false);

      runAt(second.plus(Duration.ofDays(3)), SHORT, 500).run(ledger.pruning(), () -> false);
    }

    assertThat(ItemResult.fileIn(results(), "ideas", "b")).as("pruned within the overlap before the mark")
        .doesNotExist();
    assertThat(ItemResult.fileIn(results(), "ideas", "a")).as("pruned before the mark less the overlap").exists();
    assertThat(SweepMark.in(data).read()).isEqualTo(mark);
  }

  @Test
  void anUnreadableMarkCostsOneFullSweepAndIsWrittenAnew() throws IOException {
    Instant prunedAt = T0.plus(Duration.ofDays(3));
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
    }
    Files.writeString(data.resolve(SweepMark.FILE), "{ half a mark");
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(prunedAt, ZoneOffset.UTC))) {
      otherNodeAt(prunedAt).run(ledger.pruning(), () -> false);
      assertThat(runAt(prunedAt, SHORT, 500).run(ledger.pruning(), () -> false).resultFiles()).isEqualTo(1);
    }
    assertThat(SweepMark.in(data).read()).isEqualTo(prunedAt);
  }

  @Test
  void identityRecordsGoAfterIdentityForWhenItIsSet() throws IOException {
    RetentionConfig forgetful = new RetentionConfig(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(5), 3,
        Duration.ofMinutes(10));
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
      assertThat(runAt(T0.plus(Duration.ofDays(2)), forgetful, 500).run(ledger.pruning(), () -> false).identities())
          .isZero();
      assertThat(runAt(T0.plus(Duration.ofDays(6)), forgetful, 500).run(ledger.pruning(), () -> false).identities())
          .isEqualTo(1);
    }
  }

  @Test
  void aPreviewCountsWhatARunWouldRemoveAndRemovesNothing() throws IOException {
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      finished(ledger, "a", "1", ItemState.SUCCEEDED);
      finished(ledger, "c", "1", ItemState.DEAD);
    }
    RetentionRun run = runAt(T0.plus(Duration.ofDays(3)), SHORT, 500);
    try (LedgerView view = store().openView()) {
      PruneReport preview = run.preview(view);
      assertThat(preview.items()).isEqualTo(2);
      assertThat(preview.resultFiles()).isEqualTo(2);
      assertThat(preview.workFolders()).isEqualTo(2);
      assertThat(view.versions("ideas", "a")).hasSize(1);
    }
    assertThat(ItemResult.fileIn(results(), "ideas", "a")).exists();
    try (ItemLedger ledger = store().openItemLedger(Clock.fixed(T0, ZoneOffset.UTC))) {
      assertThat(run.run(ledger.pruning(), () -> false).items()).isEqualTo(2);
    }
  }

  @Test
  void quarantineFoldersAreTrimmedToTheNewestCopiesPerSource() throws IOException {
    Path q = data.resolve("quarantine");
    Path ideas = Files.createDirectories(q.resolve("ideas"));
    for (int i = 0; i < 5; i++) {
      Path copy = Files.writeString(ideas.resolve("f" + i + ".json.2026"), "x".repeat(10));
      Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.from(T0.plusSeconds(i)));
    }
    Files.writeString(ideas.resolve(".f.json.tmp-1"), "being made");
    assertThat(QuarantineTrim.trim(data, q, 3, true)).isEqualTo(new QuarantineTrim(2, 20));
    assertThat(ideas.toFile().list()).hasSize(6);
    assertThat(QuarantineTrim.trim(data, q, 3, false)).isEqualTo(new QuarantineTrim(2, 20));
    assertThat(ideas.toFile().list()).containsExactlyInAnyOrder("f2.json.2026", "f3.json.2026", "f4.json.2026",
        ".f.json.tmp-1");
  }
}
