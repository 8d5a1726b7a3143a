package dev.tended.bench;

import dev.tended.bench.jmh.Fixtures;
import dev.tended.config.RetentionConfig;
import dev.tended.io.SafeFileNames;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.retention.PruneReport;
import dev.tended.retention.RetentionRun;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What retention costs and saves, with the default retention: the data folder's size per million
 * finished items kept whole (within {@code finishedFor}, 30 days), per million identity records once
 * they are pruned, and the pruning's own cost (items per second, the longest batch) and its effect on
 * the dispatcher's finish latency. Items go through the real ledger (the worker's API, group commit)
 * with payloads like the soak's, each with the files the worker leaves (result file, work folder with
 * {@code input.json} and the attempt's empty output and progress files); then 31 days pass on the
 * ledger's clock and one {@link RetentionRun} prunes them while a thread finishes fresh items one at
 * a time. Sizes are disk usage ({@code du -B1}) after a WAL checkpoint, scaled to a million.
 */
public final class RetentionSection {
  private static final int CHUNK = 1000;
  private static final int LATENCY_SAMPLES = 1500;
  private static final String PROBE_SOURCE = "latency";
  /** One finish every 5 ms: about the pace of a worker running /bin/true at concurrency 8. */
  private static final long PROBE_EVERY_MS = 5;

  private final int items;
  private final Path dir;

  public RetentionSection(int items, Path work) {
    this.items = items;
    this.dir = work.resolve("retention");
  }

  /** Runs the section on its own: {@code java -cp ... dev.tended.bench.RetentionSection [ITEMS]}. */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path work = Files.createTempDirectory("tended-retention-bench-");
    try {
      Report report = new Report(Machine.probe());
      report.addAll(new RetentionSection(n, work).run());
      System.out.println(report.render(Machine.loadAverage(), "retention " + n, 0));
    } finally {
      Fixtures.delete(work);
    }
  }

  public List<Figure> run() throws Exception {
    Files.createDirectories(dir);
    Path ledgerFile = dir.resolve("ledger.db");
    MovableClock clock = new MovableClock(Instant.now());
    List<Figure> out = new ArrayList<>();
    try (ItemLedger ledger = SqliteLedgerStore.at(ledgerFile).openItemLedger(clock)) {
      ExecutorService finishers = Executors.newFixedThreadPool(8);
      long t0 = System.nanoTime();
      try {
        for (int from = 0; from < items; from += CHUNK) {
          fill(ledger, finishers, from, Math.min(items, from + CHUNK));
        }
      } finally {
        finishers.shutdown();
      }
      double fillSeconds = (System.nanoTime() - t0) / 1e9;
      checkpoint(ledgerFile);
      long ledgerWhole = du(dir, "ledger.db", "ledger.db-wal");
      long results = du(dir, "results");
      long work = du(dir, "work");
      double perMillion = 1_000_000.0 / items;
      out.add(Figure.info("retention: data folder per million items kept whole", "default retention, within"
          + " finishedFor; du after a checkpoint; " + items + " items scaled", mib((ledgerWhole + results + work)
          * perMillion), "ledger " + mib(ledgerWhole * perMillion) + ", results " + mib(results * perMillion)
          + ", work " + mib(work * perMillion) + "; filled at " + Format.number(items / fillSeconds) + " items/s"));

      ledger.recordSeen(PROBE_SOURCE, List.of(new NewItem("probe", "probe-hash", "{\"id\":\"probe\"}")));
      List<Double> quiet = finishLatencies(ledger, clock, null);
      clock.advance(RetentionConfig.DEFAULT_FINISHED_FOR.plusDays(1));
      RetentionRun run = RetentionRun.of(RetentionConfig.DEFAULT,
          dir, dir.resolve("results"), dir.resolve("work"), clock);
      CompletableFuture<PruneReport> pruning = CompletableFuture.supplyAsync(() -> run.run(ledger.pruning(), () -> false));
      List<Double> busy = finishLatencies(ledger, clock, pruning);
      PruneReport r = pruning.get();
      dropProbe(ledgerFile);
      checkpoint(ledgerFile);
      long ledgerPruned = du(dir, "ledger.db", "ledger.db-wal");
      out.add(Figure.info("retention: ledger per million identity records", "after pruning and giving space back",
          mib(ledgerPruned * perMillion), "what each pruned item keeps: " + Format.number((double) ledgerPruned
              / items) + " B; results and work left: " + mib(du(dir, "results") + du(dir, "work"))));
      out.add(Figure.info("retention: prune rate", "items pruned with their files, lock released between batches",
          Format.number(r.items() * 1000.0 / Math.max(1, r.tookMs())) + " items/s", r.items() + " items in "
              + r.batches() + " transactions of at most " + RetentionRun.BATCH + ", " + r.tookMs() + " ms"));
      out.add(Figure.info("retention: longest prune transaction", "write lock held, " + RetentionRun.BATCH
          + " items or one vacuum step", r.longestBatchMs() + " ms", "ledger gave back " + mib(r.ledgerBytes())
          + ", files " + mib(r.fileBytes())));
      Stats q = Stats.of(quiet);
      Stats b = Stats.of(busy);
      out.add(Figure.info("retention: finish latency, no pruning", "one claim and finish every " + PROBE_EVERY_MS + " ms, "
          + quiet.size() + " finishes", "p50 " + Format.number(q.p50()) + " ms, p99 " + Format.number(q.p99())
          + " ms", "max " + Format.number(q.max()) + " ms"));
      out.add(Figure.info("retention: finish latency while pruning", "same, while the run above goes on, "
          + busy.size() + " finishes", "p50 " + Format.number(b.p50()) + " ms, p99 " + Format.number(b.p99())
          + " ms", "max " + Format.number(b.max()) + " ms"));
    }
    return out;
  }

  /** Items {@code from..to-1} seen, claimed and finished (8 threads: group commit), with their files. */
  private void fill(ItemLedger ledger, ExecutorService finishers, int from, int to) throws Exception {
    List<NewItem> batch = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      String payload = "{\"id\": \"idea-" + i + "\", \"title\": \"an idea worth a look, number " + i
          + "\", \"source\": \"ideas_log\", \"score\": " + (i % 97) + ", \"tags\": [\"bench\", \"retention\"]}";
      batch.add(new NewItem("idea-" + i, SafeFileNames.sha256Hex(payload), payload));
    }
    ledger.recordSeen("ideas", batch);
    List<ItemRecord> claimed = ledger.claimDue("ideas", to - from);
    List<Future<?>> done = new ArrayList<>();
    for (ItemRecord r : claimed) {
      done.add(finishers.submit(() -> {
        ledger.finish(r.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
        files(r);
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
  }

  /** The files the worker leaves for a finished item (not forced: only their size matters here). */
  private void files(ItemRecord r) throws IOException {
    Path result = ItemResult.fileIn(dir.resolve("results"), r.source(), r.id());
    Files.createDirectories(result.getParent());
    Files.write(result, StatusFiles.mapper().writeValueAsBytes(new ItemResult(r.source(), r.id(), r.contentHash(),
        "succeeded", 1, 0, r.lastStartedAt(), r.lastStartedAt(), 12, null, "", "", List.of(
            new ItemResult.Attempt(1, "exited", 0, r.lastStartedAt(), r.lastStartedAt(), "exit 0")))));
    Path w = Files.createDirectories(WorkFolders.of(dir.resolve("work"), r.source(), r.id(), r.contentHash()));
    Files.writeString(w.resolve(WorkFolders.INPUT), r.payload());
    for (String f : List.of("attempt-1.stdout", "attempt-1.stderr", "attempt-1.progress")) {
      Files.write(w.resolve(f), new byte[0]);
    }
  }

  /**
   * Milliseconds per finish of the probe item, claimed and finished (failed, due again at once) every
   * {@link #PROBE_EVERY_MS} as a busy dispatcher would: {@link #LATENCY_SAMPLES} of them, or as many
   * as {@code until} takes when given. The probe is one item, so the ledger grows only by its
   * transitions, which {@link #dropProbe} removes before the ledger is measured.
   */
  private static List<Double> finishLatencies(ItemLedger ledger, Clock clock, CompletableFuture<?> until)
      throws InterruptedException {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; until == null ? i < LATENCY_SAMPLES : !until.isDone() || i == 0; i++) {
      ItemRecord r = ledger.claimDue(PROBE_SOURCE, 1).get(0);
      long t = System.nanoTime();
      ledger.finish(r.seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "probe", clock.instant());
      ms.add((System.nanoTime() - t) / 1e6);
      Thread.sleep(PROBE_EVERY_MS);
    }
    return ms;
  }

  private static void dropProbe(Path ledgerFile) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile); Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM transitions WHERE item_seq IN (SELECT seq FROM items WHERE source = '"
          + PROBE_SOURCE + "')");
      st.executeUpdate("DELETE FROM items WHERE source = '" + PROBE_SOURCE + "'");
      st.execute("PRAGMA incremental_vacuum");
    }
  }

  private static void checkpoint(Path ledgerFile) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile); Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }

  /** Disk usage of {@code names} under {@code base} (those that exist), in bytes. */
  private static long du(Path base, String... names) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("du", "-s", "-B1", "-c"));
    for (String n : names) {
      if (Files.exists(base.resolve(n))) {
        cmd.add(n);
      }
    }
    if (cmd.size() == 4) {
      return 0;
    }
    Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return Long.parseLong(text.lines().filter(l -> l.endsWith("total")).findFirst().orElseThrow().split("\\s+")[0]);
  }

  private static String mib(double bytes) {
    return Format.number(bytes / (1024 * 1024)) + " MiB";
  }

  /** A clock the section moves forward by a month. */
  private static final class MovableClock extends Clock {
    private final AtomicLong millis;

    MovableClock(Instant start) {
      millis = new AtomicLong(start.toEpochMilli());
    }

    void advance(Duration by) {
      millis.addAndGet(by.toMillis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }
}
