package dev.tended.testkit.faults;

import dev.tended.io.AtomicFiles;
import dev.tended.io.FileOps;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerCutTest {
  @TempDir Path tmp;
  Path data;
  Path shadow;
  FileOps ops;

  @BeforeEach
  void recorder() throws Exception {
    data = Files.createDirectories(tmp.resolve("data"));
    shadow = tmp.resolve("powercut");
    ops = new PowerCutRecorder(FileOps.SYSTEM, new PowerCutShadow(shadow));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes {@code content} into a new file and renames it over {@code target}, forcing nothing. */
  private void carelessReplace(Path target, String content) throws Exception {
    Path temp = target.resolveSibling("." + target.getFileName() + ".careless");
    try (FileChannel ch = ops.createNew(temp)) {
      ch.write(ByteBuffer.wrap(bytes(content)));
    }
    ops.move(temp, target);
  }

  private List<PowerCut.Change> cut() throws Exception {
    return PowerCut.apply(shadow, new Random(7));
  }

  @Test
  void aCompletedAtomicWriteSurvivesAndALaterUnforcedReplaceIsRolledBack() throws Exception {
    Path status = data.resolve("status.json");
    AtomicFiles.write(status, bytes("version one"), ops);
    carelessReplace(status, "version two, never forced");

    List<PowerCut.Change> changes = cut();

    assertThat(Files.readString(status)).isEqualTo("version one");
    assertThat(changes).extracting(PowerCut.Change::effect).contains(PowerCut.Effect.ROLLED_BACK);
  }

  @Test
  void aNameCreatedAfterItsFolderWasLastForcedDisappears() throws Exception {
    AtomicFiles.write(data.resolve("status.json"), bytes("forced"), ops);
    carelessReplace(data.resolve("other.json"), "never forced");

    List<PowerCut.Change> changes = cut();

    assertThat(data.resolve("other.json")).doesNotExist();
    assertThat(changes).contains(new PowerCut.Change(data.resolve("other.json"), PowerCut.Effect.DROPPED));
  }

  @Test
  void aFileWhoseFolderWasForcedButWhoseDataWasNotIsTorn() throws Exception {
    Path copy = data.resolve("copy");
    String content = "x".repeat(10_000);
    try (FileChannel ch = ops.createNew(copy)) {
      ch.write(ByteBuffer.wrap(bytes(content)));
    }
    ops.forceDirectory(data);

    List<PowerCut.Change> changes = cut();

    assertThat(changes).contains(new PowerCut.Change(copy, PowerCut.Effect.TORN));
    assertThat(Files.size(copy)).isLessThan(content.length());
  }

  @Test
  void filesTendedDidNotCreateThroughTheSeamAreLeftAlone() throws Exception {
    Path ledger = Files.writeString(data.resolve("ledger.db"), "the store's own business");
    AtomicFiles.write(data.resolve("status.json"), bytes("forced"), ops);
    Files.writeString(ledger, "changed after the last force");

    cut();

    assertThat(Files.readString(ledger)).isEqualTo("changed after the last force");
  }

  @Test
  void afterACutWhatIsOnDiskCountsAsDurable() throws Exception {
    Path status = data.resolve("status.json");
    AtomicFiles.write(status, bytes("version one"), ops);
    cut();

    assertThat(cut()).isEmpty();
    assertThat(Files.readString(status)).isEqualTo("version one");
  }

  @Test
  void aResultWrittenIntoNewFoldersSurvivesTheCutWithItsFolders() throws Exception {
    Path result = data.resolve("results/ideas/idea-1.json");
    AtomicFiles.write(result, bytes("{\"status\": \"succeeded\"}"), ops);

    List<PowerCut.Change> changes = cut();

    assertThat(changes).isEmpty();
    assertThat(Files.readString(result)).isEqualTo("{\"status\": \"succeeded\"}");
  }

  @Test
  void aCopyMovedIntoPlaceIsNeitherDroppedNorTorn() throws Exception {
    Path source = Files.writeString(tmp.resolve("broken.json"), "[{\"id\": \"a\"}, {\"id".repeat(2_000));
    Path folder = data.resolve("quarantine/broken");
    AtomicFiles.createDirectories(folder, ops);
    Path temp = folder.resolve(".broken.json.tmp");
    AtomicFiles.copy(source, temp, ops);
    AtomicFiles.move(temp, folder.resolve("broken.json.1"), ops);

    List<PowerCut.Change> changes = cut();

    assertThat(changes).isEmpty();
    assertThat(Files.mismatch(source, folder.resolve("broken.json.1"))).isEqualTo(-1L);
  }

  @Test
  void aCopyWhoseForceFailsIsNeverLeftLookingComplete() throws Exception {
    Path source = Files.writeString(tmp.resolve("broken.json"), "x".repeat(50_000));
    Path temp = data.resolve(".copy.tmp");
    FileOps failing = new FailingForces(ops, 1, new Random(3));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AtomicFiles.copy(source, temp, failing))
        .isInstanceOf(java.io.IOException.class).hasMessageContaining("simulated failure");

    assertThat(Files.size(temp)).isLessThan(50_000L);
  }
}
