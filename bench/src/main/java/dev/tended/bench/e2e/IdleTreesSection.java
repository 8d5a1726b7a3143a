package dev.tended.bench.e2e;

import dev.tended.bench.Figure;
import dev.tended.bench.Format;
import dev.tended.bench.ProcStats;
import dev.tended.bench.Profile;
import dev.tended.status.SourceStatus;
import dev.tended.testkit.Jars;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Idle CPU of a worker whose directory source holds finished folders (issue 11, case 7): two workers
 * at once, with {@code deploy/jvm.options}, each with one directory source polled every 3 s and a
 * {@code /bin/true} handler; one with ten finished folders of {@link Profile#treeFiles()} files each
 * (100 sub-folders of equal shares), the other with one small folder. Measured once every item is
 * done, over the profile's idle time: what the finished trees cost while nothing changes.
 */
public final class IdleTreesSection {
  private static final int FOLDERS = 10;
  private static final int SUBFOLDERS = 100;

  private final Profile profile;
  private final Jars jars;
  private final Path work;

  public IdleTreesSection(Profile profile, Jars jars, Path work) {
    this.profile = profile;
    this.jars = jars;
    this.work = work;
  }

  public List<Figure> run() throws Exception {
    JvmFlags tuned = JvmFlags.optionsFile(jars.jvmOptions());
    int files = profile.treeFiles();
    try (WorkerRig trees = rig("idle-trees", FOLDERS, files); WorkerRig small = rig("idle-trees-none", 1, 1)) {
      trees.start(tuned);
      small.start(tuned);
      for (var rig : List.of(trees, small)) {
        int expected = rig == trees ? FOLDERS : 1;
        rig.status().await(s -> {
          SourceStatus x = s.sources().get("implementations");
          return x != null && x.succeeded() == expected && x.pending() == 0 && x.running() == 0;
        }, Duration.ofMinutes(10));
      }
      Thread.sleep(10_000); // let start-up work (JIT, first GCs) finish
      ProcStats treesBefore = ProcStats.of(trees.worker().pid());
      ProcStats smallBefore = ProcStats.of(small.worker().pid());
      long t0 = System.nanoTime();
      Thread.sleep(profile.idle().toMillis());
      long wall = System.nanoTime() - t0;
      double treesCpu = ProcStats.of(trees.worker().pid()).cpuPercentSince(treesBefore, wall);
      double smallCpu = ProcStats.of(small.worker().pid()).cpuPercentSince(smallBefore, wall);
      String how = "over " + profile.idle().toSeconds() + " s idle, folder polled every 3 s";
      return List.of(
          Figure.atMost("idle worker, " + FOLDERS + " finished folders of " + Format.number(files) + " files: CPU",
              how, treesCpu, "% of a core", 1.0, "beside it, one small folder: " + Format.number(smallCpu) + " %"));
    }
  }

  private WorkerRig rig(String name, int folders, int filesEach) throws IOException {
    TestConfig config = WorkerRig.config(work.resolve(name));
    config.addDirectory("implementations", "implementations", "3s", Path.of("/bin/true")).write();
    Path queue = Files.createDirectories(config.dataDir().resolve("implementations"));
    for (int f = 0; f < folders; f++) {
      Path folder = queue.resolve("impl-" + f);
      for (int i = 0; i < filesEach; i++) {
        Path sub = folder.resolve("part-" + (i % SUBFOLDERS));
        if (i < SUBFOLDERS) {
          Files.createDirectories(sub);
        }
        Files.writeString(sub.resolve("file-" + i + ".txt"), "line " + i + "\n");
      }
    }
    return new WorkerRig(config, jars.worker());
  }
}
