package dev.tended.reliability;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Size: one huge queue file (1 GB in the soak) and a backlog of many small ideas (a million in the
 * soak), each taken by a worker at {@code -Xmx128m} (the launcher's options): no OutOfMemoryError,
 * every item recorded, work proceeds; the heap after GC and the ledger's size are reported.
 */
final class SizeScenario implements Scenario {
  private static final int SUCCEEDED_TO_SEE = 20;

  @Override
  public String name() {
    return "size";
  }

  @Override
  public List<Outcome> run(Suite suite) throws Exception {
    List<Outcome> rows = new ArrayList<>();
    long bytes = suite.profile().bigQueueBytes();
    int bigItemChars = 16 * 1024;
    int bigItems = (int) (bytes / (bigItemChars + 40));
    rows.add(take(suite, "size-big-file", "one " + spaced(bytes >> 20) + " MiB queue file (" + spaced(bigItems)
        + " items of 16 KiB), -Xmx128m", bigItems, bigItemChars));
    int backlog = suite.profile().backlogItems();
    rows.add(take(suite, "size-backlog", "a backlog of " + spaced(backlog) + " ideas in one file, -Xmx128m",
        backlog, 20));
    return rows;
  }

  private Outcome take(Suite suite, String name, String fault, int items, int textChars) throws Exception {
    try (Rig rig = new Rig(suite, name)) {
      Path handler = rig.handler("ok.sh", "exit 0");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 2, handler, "")).write();
      Path file = rig.dataDir().resolve("ideas_log.json");
      write(file, items, textChars);
      long fileBytes = Files.size(file);
      long t0 = System.nanoTime();
      rig.startAndAwaitBeat();
      rig.await(s -> s.sources().get("ideas").pending() + s.sources().get("ideas").running()
          + s.sources().get("ideas").succeeded() >= items, suite.profile().drainLimit());
      long recordedMs = (System.nanoTime() - t0) / 1_000_000;
      long succeeded = rig.await(s -> s.sources().get("ideas").succeeded() >= SUCCEEDED_TO_SEE, Duration.ofMinutes(2))
          .sources().get("ideas").succeeded();
      JvmProbe probe = JvmProbe.of(rig.worker().pid());
      boolean alive = rig.worker().isAlive();
      int exit = rig.stop();
      String out = rig.outputText();
      boolean oom = out.contains("OutOfMemoryError");
      long ledgerBytes = Files.size(rig.dataDir().resolve("ledger.db"))
          + sizeOrZero(rig.dataDir().resolve("ledger.db-wal"));
      boolean ok = alive && !oom && exit == 0;
      return new Outcome(fault, 1, items, succeeded, 0, 0, recordedMs, Outcome.verdict(ok), String.format(
          "file %,d MiB; all %,d recorded in %,d ms and work proceeded; heap after GC %,d KiB; ledger %,d MiB; %s",
          fileBytes >> 20, items, recordedMs, probe.heapUsedKiB(), ledgerBytes >> 20,
          oom ? "OutOfMemoryError!" : "no OutOfMemoryError").replace(',', ' ') + "; lost 0 = every item recorded; the rest is not waited for");
    }
  }

  /** 1234567 as "1 234 567". */
  static String spaced(long n) {
    return String.format("%,d", n).replace(',', ' ');
  }

  private static long sizeOrZero(Path p) throws IOException {
    return Files.exists(p) ? Files.size(p) : 0;
  }

  private static void write(Path file, int items, int textChars) throws IOException {
    String text = "t".repeat(textChars);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("[\n");
      for (int i = 0; i < items; i++) {
        w.write(i == 0 ? "" : ",\n");
        w.write("{\"id\": \"idea-" + i + "\", \"text\": \"" + text + "\"}");
      }
      w.write("\n]\n");
    }
  }
}
