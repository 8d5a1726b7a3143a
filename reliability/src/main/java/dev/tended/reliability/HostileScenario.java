package dev.tended.reliability;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.QueueFault;
import dev.tended.status.WorkerStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Hostile input through the real worker: one queue file replaced again and again by mutated versions
 * (truncations, bit flips, garbage and invalid UTF-8, wrong types, deep nesting, an item far over
 * {@code maxItemBytes}, duplicate ids, ids with {@code ../}, {@code /}, NUL and 10 000 characters).
 * The worker must keep beating, name a line and column for every fault it reports, take only
 * complete items (after a truncation: only items that were really written), and write nothing
 * outside its data folder. The property tests of the worker's reader cover thousands more cases in
 * process; this row shows the daemon end to end.
 */
final class HostileScenario implements Scenario {
  private static final String[] DANGEROUS = {"../../escape", "a/b/c", "nul\\u0000id", "x".repeat(10_000), "..", "."};
  private static final int CASES = 60;

  @Override
  public String name() {
    return "hostile";
  }

  @Override
  public List<Outcome> run(Suite suite) throws Exception {
    String fault = CASES + " mutated versions of ideas_log.json through the running worker";
    try (Rig rig = new Rig(suite, "hostile")) {
      Path handler = rig.handler("ok.sh", "exit 0");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 2, handler, "").stripTrailing()
          + "\n    maxItemBytes: 64KiB\n").write();
      Path file = rig.dataDir().resolve("ideas_log.json");
      Random random = new Random(42);
      Set<String> written = new HashSet<>();
      Set<String> truncatedCases = new HashSet<>();
      int faults = 0;
      List<String> problems = new ArrayList<>();
      rig.startAndAwaitBeat();
      for (int c = 0; c < CASES; c++) {
        List<String> items = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
          String id = n == 3 ? DANGEROUS[c % DANGEROUS.length] + "-" + c : "c" + c + "-" + n;
          String json = "{\"id\": \"" + id + "\", \"text\": \"case " + c + " item " + n + "\"}";
          items.add(json);
          written.add(json.replace("\\u0000", "\u0000"));
        }
        if (c % 7 == 0) {
          items.add(items.get(0)); // a duplicate: identical content never runs twice
        }
        int kind = c % 8;
        if (kind == 0) {
          truncatedCases.add("c" + c + "-");
        }
        byte[] bytes = mutate(("[\n" + String.join(",\n", items) + "\n]\n").getBytes(StandardCharsets.UTF_8), kind, random);
        Instant before = Instant.now();
        Queues.replaceAtomically(file, bytes);
        WorkerStatus s = rig.await(st -> st.sources().get("ideas").lastPollAt() != null
            && st.sources().get("ideas").lastPollAt().isAfter(before.plusMillis(450)), Duration.ofSeconds(30));
        QueueFault f = s.sources().get("ideas").fault();
        if (f != null) {
          faults++;
          boolean refusedItem = f.line() == 0 && f.reason().matches("item \\d+: .*"); // names the item's place
          if (!refusedItem && (f.line() < 1 || f.column() < 1)) {
            problems.add("case " + c + ": fault without line/column: " + f.describe());
          }
        }
      }
      boolean alive = rig.worker().isAlive();
      rig.await(st -> st.sources().get("ideas").pending() + st.sources().get("ideas").running()
          + st.sources().get("ideas").failed() == 0, Duration.ofSeconds(120));
      rig.stop();
      long taken = 0;
      long succeeded = 0;
      long dead = 0;
      try (LedgerView ledger = SqliteLedgerStore.at(rig.dataDir().resolve("ledger.db")).openView()) {
        for (ItemState st : ItemState.values()) {
          for (ItemRecord r : ledger.inState("ideas", st)) {
            taken++;
            succeeded += st == ItemState.SUCCEEDED ? 1 : 0;
            dead += st == ItemState.DEAD ? 1 : 0;
            boolean fromTruncation = truncatedCases.stream().anyMatch(p -> r.id().startsWith(p));
            if (fromTruncation && written.stream().noneMatch(w -> sameItem(w, r.payload()))) {
              problems.add("partial item taken after a truncation: " + r.payload());
            }
          }
        }
      }
      List<Path> outside = filesOutside(rig);
      outside.forEach(p -> problems.add("written outside the data folder: " + p));
      boolean ok = alive && problems.isEmpty() && taken == succeeded + dead;
      return List.of(new Outcome(fault, CASES, taken, succeeded, taken - succeeded - dead, 0, -1, Outcome.verdict(ok),
          "worker " + (alive ? "kept running" : "DIED") + "; " + faults + " faults reported, each with line and column (an id refused at intake: with its item's place);"
          + " items taken " + taken + ", of which dead " + dead + " (an id with NUL cannot be passed to a handler);"
          + " results of ids with ../, / and NUL stayed in results/ideas" + (problems.isEmpty() ? ""
              : "; " + String.join("; ", problems.subList(0, Math.min(3, problems.size()))))));
    }
  }

  private static boolean sameItem(String written, String payload) {
    try {
      return dev.tended.status.StatusFiles.mapper().readTree(written)
          .equals(dev.tended.status.StatusFiles.mapper().readTree(payload));
    } catch (IOException e) {
      return false;
    }
  }

  /** Files the worker made outside its data folder (the rig's own files excepted). */
  private static List<Path> filesOutside(Rig rig) throws IOException {
    Set<String> rigOwn = Set.of("tended.yaml", "ok.sh", "runs.log", "worker.out");
    try (Stream<Path> all = Files.walk(rig.dir())) {
      return all.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(rig.dataDir()) && !rigOwn.contains(p.getFileName().toString()))
          .toList();
    }
  }

  private static byte[] mutate(byte[] b, int kind, Random r) {
    switch (kind) {
      case 0:
        return java.util.Arrays.copyOf(b, 1 + r.nextInt(b.length - 1));
      case 1: {
        byte[] c = b.clone();
        for (int i = 0; i < 3; i++) {
          c[r.nextInt(c.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return c;
      }
      case 2:
        return splice(b, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, r);
      case 3:
        return splice(b, "{\"x\": ".getBytes(StandardCharsets.UTF_8), r);
      case 4:
        return append(b, "[".repeat(3_000) + "]".repeat(3_000));
      case 5:
        return append(b, "{\"id\": \"huge\", \"text\": \"" + "h".repeat(200_000) + "\"}");
      case 6:
        return append(b, "{\"id\": [1, {\"x\": null}], \"text\": 3}");
      default:
        return b;
    }
  }

  private static byte[] splice(byte[] b, byte[] what, Random r) {
    int at = r.nextInt(b.length);
    byte[] c = new byte[b.length + what.length];
    System.arraycopy(b, 0, c, 0, at);
    System.arraycopy(what, 0, c, at, what.length);
    System.arraycopy(b, at, c, at + what.length, b.length - at);
    return c;
  }

  private static byte[] append(byte[] b, String item) {
    String s = new String(b, StandardCharsets.UTF_8).stripTrailing();
    return (s.substring(0, s.length() - 1) + ",\n" + item + "\n]\n").getBytes(StandardCharsets.UTF_8);
  }
}
