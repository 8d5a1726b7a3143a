package dev.tended.bench.e2e;

import dev.tended.bench.Figure;
import dev.tended.bench.Format;
import dev.tended.bench.Profile;
import dev.tended.bench.Stats;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.TestConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Pickup latency: a producer replaces {@code ideas_log.json} atomically with one more item; the time
 * from the rename to the moment the handler process runs, which the handler itself stamps with
 * {@code date +%s%N}. Renames come at a random moment within a poll interval, so a polling worker
 * shows its average wait.
 */
public final class PickupSection {
  static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

  private final Profile profile;
  private final Path jar;
  private final JvmFlags flags;
  private final Path work;

  public PickupSection(Profile profile, Path jar, JvmFlags flags, Path work) {
    this.profile = profile;
    this.jar = jar;
    this.flags = flags;
    this.work = work;
  }

  /** Latencies in milliseconds. */
  public Stats measure(String name) throws Exception {
    Path dir = work.resolve("pickup-" + name);
    Path stamps = dir.resolve("stamps");
    Files.createDirectories(stamps);
    TestConfig config = WorkerRig.config(dir);
    Path handler = config.script("stamp.sh", """
        t=$(date +%%s%%N)
        printf '%%s\\n' "$t" > "%1$s/$TENDED_ITEM_ID.tmp" && mv "%1$s/$TENDED_ITEM_ID.tmp" "%1$s/$TENDED_ITEM_ID.t"
        """.formatted(stamps));
    config.addJsonQueue("ideas", "ideas_log.json", POLL_INTERVAL.toMillis() + "ms", 1, handler).write();
    Path queue = config.dataDir().resolve("ideas_log.json");
    List<Double> ms = new ArrayList<>();
    try (WorkerRig rig = new WorkerRig(config, jar)) {
      rig.start(flags);
      for (int k = 0; k < profile.pickupSamples(); k++) {
        Thread.sleep(ThreadLocalRandom.current().nextLong(POLL_INTERVAL.toMillis()));
        long renamedAt = replace(queue, k + 1);
        Path stamp = stamps.resolve("idea-" + k + ".t");
        long deadline = System.nanoTime() + POLL_INTERVAL.multipliedBy(3).plusSeconds(10).toNanos();
        while (!Files.exists(stamp)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("idea-" + k + " was not picked up; see " + dir);
          }
          Thread.sleep(2);
        }
        long startedAt = Long.parseLong(Files.readString(stamp).trim());
        ms.add((startedAt - renamedAt) / 1e6);
      }
      rig.stop();
    }
    return Stats.of(ms);
  }

  /** Figures for the pickup latency, with or without the file-change fast path. */
  public static List<Figure> figures(Stats s, String label, boolean fastPath) {
    String how = "atomic rename → handler's own date +%s%N, " + s.count() + " renames, pollInterval 2 s";
    String note = "mean " + Format.number(s.mean()) + " ms, max " + Format.number(s.max()) + " ms";
    if (!fastPath) {
      return List.of(
          Figure.atMost("pickup latency p50 " + label, how, s.p50(), "ms", POLL_INTERVAL.toMillis(), note),
          Figure.atMost("pickup latency p99 " + label, how, s.p99(), "ms", POLL_INTERVAL.toMillis(), note));
    }
    return List.of(
        Figure.atMost("pickup latency p50 " + label, how, s.p50(), "ms", 20, note),
        Figure.atMost("pickup latency p99 " + label, how, s.p99(), "ms", 100, note));
  }

  /** Writes items 0..count-1 to a temporary file, forces it, and renames it over {@code queue}. */
  private static long replace(Path queue, int count) throws IOException {
    String json = IntStream.range(0, count)
        .mapToObj(i -> "{\"id\": \"idea-" + i + "\", \"title\": \"idea " + i + "\"}")
        .collect(Collectors.joining(",\n  ", "[\n  ", "\n]\n"));
    Path tmp = queue.resolveSibling(".ideas_log.json.tmp");
    Files.writeString(tmp, json);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Instant now = Instant.now();
    Files.move(tmp, queue, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
