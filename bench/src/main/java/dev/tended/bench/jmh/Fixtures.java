package dev.tended.bench.jmh;

import dev.tended.bench.e2e.WorkerRig;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.NewItem;
import dev.tended.queue.QueueItem;
import dev.tended.testkit.Folders;
import dev.tended.testkit.TestConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Data and configuration the in-process benchmarks share: queue files, one-source configs, clean-up. */
public final class Fixtures {
  private Fixtures() {}

  /** A configuration with one json-queue source {@code ideas} reading {@code ideas_log.json}. */
  public static TendedConfig oneQueue(Path dir) {
    try {
      TestConfig rig = WorkerRig.config(dir).addJsonQueue("ideas", "ideas_log.json", "2s", 1, Path.of("/bin/true"));
      return ConfigLoader.load(rig.write());
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the benchmark configuration in " + dir, e);
    }
  }

  /**
   * Writes {@code count} ideas as a JSON array, in the shape producers write them, replacing the file
   * atomically; {@code tag} goes into every item's text so that two tags make two versions.
   */
  public static void writeIdeas(Path file, int count, String tag) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write("[\n");
      for (int i = 0; i < count; i++) {
        w.write("  {\"id\": \"idea-" + i + "\", \"title\": \"idea number " + i + "\", \"text\": \"" + tag
            + "\", \"votes\": " + (i % 17) + ", \"tags\": [\"a\", \"b\"]}");
        w.write(i + 1 < count ? ",\n" : "\n");
      }
      w.write("]\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Queue items as the ledger takes them. */
  /**
   * The worker's real poll path for the configuration's first source: the source, the poller's
   * filter of items already offered, and the ledger.
   */
  public static dev.tended.worker.source.SourcePoller poller(TendedConfig config, dev.tended.ledger.ItemLedger ledger) {
    var source = config.sources().get(0);
    var clock = java.time.Clock.systemUTC();
    var progress = new dev.tended.worker.heartbeat.ProgressBoard(System::nanoTime);
    var poller = new dev.tended.worker.source.SourcePoller(source,
        dev.tended.worker.source.QueueSources.create(source, config.quarantineDir(), clock), ledger, progress,
        () -> { }, clock);
    progress.register(poller.part(), source.pollInterval());
    return poller;
  }

  /** Polls once through {@code poller} and fails loudly when the poll did not go well. */
  public static void pollOk(dev.tended.worker.source.SourcePoller poller) {
    poller.pollOnce();
    var report = poller.report();
    if (!report.lastPollOk()) {
      throw new IllegalStateException("poll failed: " + report.lastError());
    }
  }

  public static List<NewItem> toNew(List<QueueItem> batch) {
    return batch.stream().map(i -> new NewItem(i.id(), i.contentHash(), i.json())).toList();
  }

  /**
   * {@code count} small new items for round {@code round} of a benchmark: ids and hashes that no
   * other round uses, so every round records {@code count} new versions.
   */
  public static List<NewItem> newItems(long round, int count) {
    List<NewItem> batch = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = "idea-" + round + "-" + i;
      batch.add(new NewItem(id, Long.toHexString(round * count + i), "{\"id\":\"" + id + "\"}"));
    }
    return batch;
  }

  /** Removes {@code dir} and everything under it; quiet about what is already gone. */
  public static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Folders.deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
