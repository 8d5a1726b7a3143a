package dev.tended.bench;

import dev.tended.bench.jmh.ChangedQueueBenchmark;
import dev.tended.bench.jmh.HeapGrowthProbe;
import dev.tended.bench.jmh.LedgerDispatchBenchmark;
import dev.tended.bench.jmh.LedgerPathBenchmark;
import dev.tended.bench.jmh.UnchangedRecheckBenchmark;
import dev.tended.bench.jmh.WorkerPathBenchmark;
import dev.tended.testkit.JvmFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The in-process figures, with JMH (one fork each, run with the launcher's JVM options): the
 * unchanged-file re-check, the worker's own path through the ledger, and parse + diff of a changed
 * 100 000-item file; then the heap growth of that poll, in a JVM of its own per set of options.
 */
final class JmhSection {
  private static final Pattern PROBE = Pattern.compile(
      "peak_growth_mib=([0-9.]+) retained_mib=(-?[0-9.]+) poll_ms=([0-9.]+)");

  private final Profile profile;
  private final JvmFlags tuned;

  JmhSection(Profile profile, JvmFlags tuned) {
    this.profile = profile;
    this.tuned = tuned;
  }

  List<Figure> run() throws RunnerException, IOException, InterruptedException {
    List<Figure> out = new ArrayList<>();
    Map<String, Double> s = scores();
    double recheck = s.get("pollUnchanged");
    out.add(Figure.atMost("unchanged queue file re-check", "JMH avgt, one poll of an unchanged 1 000-item file",
        recheck, "µs", 50, "a bare stat of the same file: " + Format.number(s.get("statOnly")) + " µs"));
    for (String c : List.of("1", "8", "64")) {
      out.add(Figure.atLeast("worker's own path, ledger + dispatch, concurrency " + c,
          "JMH thrpt: record, claim into free slots, finish on " + c + " handler thread(s) at once, durable",
          s.get("claimIntoFreeSlotsFinishConcurrently:" + c), "items/s", 20_000,
          c.equals("1") ? "two fsync'd commits per item (claim, finish): bounded by fsync latency"
              : "concurrent finishes share a commit (group commit)"));
    }
    out.add(Figure.info("worker's own path, ledger + files, one at a time",
        "JMH thrpt: as above at concurrency 1, plus input.json and the forced result file",
        Format.number(s.get("workerPathOneAtATime")) + " items/s", "what the worker adds around each handler"));
    for (String c : List.of("8", "64")) {
      out.add(Figure.info("worker's own path, real dispatcher + files, concurrency " + c,
          "JMH thrpt: the worker's Dispatcher with an in-process handler that ends at once, 1 000 items",
          Format.number(s.get("recordDispatchRunRecord:" + c)) + " items/s",
          "per item also its work folder, input.json and its result file forced with its folder"));
    }
    out.add(Figure.atMost("changed 100 000-item file: parse + diff", "JMH single shot, median of "
        + profile.shots() + ", the worker's poller: parse, skip items the last read offered, record the new one", s.get("pollChanged"), "ms", 300,
        "parse alone (items dropped): " + Format.number(s.get("parseOnly")) + " ms"));
    out.add(Figure.info("100 000 new items: parse + identity of each", "JMH single shot, median of " + profile.shots()
            + ": parse, then canonical JSON and SHA-256 of every item (what a first read of new items pays)",
        Format.number(s.get("parseAndHashEveryItem")) + " ms", "then recorded in the ledger as pending"));
    out.add(Figure.info("fsync of a small append (context)", "200 × write 100 B + force, temp folder",
        Format.number(fsyncMillis()) + " ms", "every durable ledger commit pays one: the ceiling of per-item commits"));
    for (JvmFlags flags : List.of(JvmFlags.defaults(), tuned)) {
      double[] probe = heapProbe(flags);
      out.add(Figure.atMost("changed 100 000-item file: heap growth (" + flags.name() + ")",
          "peak heap above idle during one poll, own JVM", probe[0], "MiB", 64,
          "retained after GC " + Format.number(probe[1]) + " MiB; that poll took " + Format.number(probe[2]) + " ms"));
    }
    return out;
  }

  private Map<String, Double> scores() throws RunnerException {
    Map<String, Double> scores = new java.util.HashMap<>();
    Options steady = base()
        .include(UnchangedRecheckBenchmark.class.getName())
        .include(LedgerPathBenchmark.class.getName())
        .include(LedgerDispatchBenchmark.class.getName())
        .include(WorkerPathBenchmark.class.getName())
        .warmupIterations(profile.warmups()).warmupTime(TimeValue.seconds(1))
        .measurementIterations(profile.iterations()).measurementTime(TimeValue.seconds(2))
        .build();
    collect(new Runner(steady).run(), scores);
    Options shots = base()
        .include(ChangedQueueBenchmark.class.getName())
        .mode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
        .warmupIterations(3).measurementIterations(profile.shots())
        .timeUnit(TimeUnit.MILLISECONDS)
        .build();
    for (RunResult r : new Runner(shots).run()) {
      // median of the single shots, not the mean: one slow shot under contention should not decide it
      double[] v = r.getBenchmarkResults().stream()
          .flatMap(b -> b.getIterationResults().stream())
          .mapToDouble(i -> i.getPrimaryResult().getScore()).sorted().toArray();
      scores.put(method(r), v[v.length / 2]);
    }
    return scores;
  }

  private OptionsBuilder base() {
    OptionsBuilder b = new OptionsBuilder();
    b.forks(1).verbosity(VerboseMode.SILENT).shouldFailOnError(true).jvmArgsPrepend(tuned.args().toArray(String[]::new));
    return b;
  }

  private static void collect(Collection<RunResult> results, Map<String, Double> into) {
    for (RunResult r : results) {
      into.put(method(r), r.getPrimaryResult().getScore());
    }
  }

  /** The benchmark method's name, then {@code :value} of its {@code concurrency} parameter if it has one. */
  private static String method(RunResult r) {
    String b = r.getParams().getBenchmark();
    String name = b.substring(b.lastIndexOf('.') + 1);
    String concurrency = r.getParams().getParam("concurrency");
    return concurrency == null ? name : name + ":" + concurrency;
  }

  private static double fsyncMillis() throws IOException {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("tended-bench-fsync-", ".bin");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(100);
      long t0 = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        b.clear();
        ch.write(b);
        ch.force(false);
      }
      return (System.nanoTime() - t0) / 200 / 1e6;
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
  }

  private static double[] heapProbe(JvmFlags flags) throws IOException, InterruptedException {
    List<String> cmd = flags.command(List.of("-cp", System.getProperty("java.class.path"),
        HeapGrowthProbe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("heap probe failed: " + out);
    }
    Matcher m = PROBE.matcher(out);
    if (!m.find()) {
      throw new IOException("heap probe printed no figures: " + out);
    }
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))};
  }
}
