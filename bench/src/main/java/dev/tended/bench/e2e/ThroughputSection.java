package dev.tended.bench.e2e;

import dev.tended.bench.Figure;
import dev.tended.bench.Format;
import dev.tended.bench.Profile;
import dev.tended.status.SourceStatus;
import dev.tended.testkit.Jars;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput with a command handler that does nothing ({@code /bin/true}) at concurrency 1, 2 and 8:
 * one JSON Lines file of N items appears at once; items per second from its rename until the last
 * item is {@code succeeded}. Beside it, the ceiling set by the operating system: the same number of
 * {@code setsid /bin/true} processes started and awaited from Java at the same concurrency.
 */
public final class ThroughputSection {
  private static final int[] CONCURRENCY = {1, 2, 8};

  private final Profile profile;
  private final Jars jars;
  private final JvmFlags flags;
  private final Path work;

  public ThroughputSection(Profile profile, Jars jars, JvmFlags flags, Path work) {
    this.profile = profile;
    this.jars = jars;
    this.flags = flags;
    this.work = work;
  }

  public List<Figure> run() throws Exception {
    List<Figure> out = new ArrayList<>();
    int n = profile.throughputItems();
    for (int c : CONCURRENCY) {
      double tended = tended(c, n);
      double bare = bareSpawns(c, Math.min(n, 2_000));
      out.add(Figure.info("throughput, /bin/true handler, concurrency " + c,
          n + " items in one file, rename → all succeeded",
          Format.number(tended) + " items/s",
          "process start-up alone (setsid /bin/true from Java): " + Format.number(bare) + " /s; tended keeps "
              + Format.number(100 * tended / bare) + " % of it"));
    }
    return out;
  }

  private double tended(int concurrency, int items) throws Exception {
    TestConfig config = WorkerRig.config(work.resolve("throughput-c" + concurrency)).heartbeatInterval("200ms");
    config.addJsonQueue("ideas", "ideas_log.json", "2s", concurrency, Path.of("/bin/true")).write();
    Path queue = config.dataDir().resolve("ideas_log.json");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < items; i++) {
      lines.append("{\"id\": \"idea-").append(i).append("\", \"title\": \"idea ").append(i).append("\"}\n");
    }
    Path tmp = queue.resolveSibling(".ideas_log.json.tmp");
    Files.writeString(tmp, lines);
    try (WorkerRig rig = new WorkerRig(config, jars.worker())) {
      rig.start(flags);
      long t0 = System.nanoTime();
      Files.move(tmp, queue, StandardCopyOption.ATOMIC_MOVE);
      StatusProbe.Seen done = rig.status().await(s -> {
        SourceStatus src = s.sources().get("ideas");
        return src != null && src.succeeded() >= items;
      }, Duration.ofMinutes(15));
      rig.stop();
      return items / ((done.atNanos() - t0) / 1e9);
    }
  }

  private double bareSpawns(int concurrency, int count) throws Exception {
    Path dir = work.resolve("spawn-c" + concurrency);
    Files.createDirectories(dir);
    Path in = Files.writeString(dir.resolve("in.json"), "{}");
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> new Thread(r, "bench-spawn"));
    AtomicInteger left = new AtomicInteger(count);
    try {
      long t0 = System.nanoTime();
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        all.add(pool.submit(() -> {
          while (left.getAndDecrement() > 0) {
            spawn(in, dir);
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        f.get();
      }
      return count / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static void spawn(Path in, Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("setsid", "/bin/true").redirectInput(in.toFile())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out").toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("err").toFile())).start();
    p.waitFor();
  }
}
