package dev.tended.reliability;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.StatusFiles;
import dev.tended.worker.results.ResultWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The end-of-run check of one data folder against what the producers wrote: every produced item
 * succeeded exactly once in the ledger, has a complete result file saying so, and never ran again
 * after its success (no run with an attempt number above the one that succeeded). Read after the
 * worker has stopped.
 *
 * @param produced items the producers wrote
 * @param succeeded of those, exactly one succeeded version and a result file that says succeeded
 * @param lost produced but not succeeded (pending, failed, dead, unknown to the ledger or no result)
 * @param rerunAfterFinish handler runs with an attempt above the succeeded one
 * @param interruptedRuns runs that did not decide their item (cut short by a kill and run again)
 * @param problems the first few items that are wrong, and how
 */
record Audit(long produced, long succeeded, long lost, long rerunAfterFinish, long interruptedRuns,
    List<String> problems) {

  boolean clean() {
    return lost == 0 && rerunAfterFinish == 0 && succeeded == produced;
  }

  /** Checks {@code dataDir}'s ledger and results against {@code producedBySource} and the run log. */
  static Audit of(Path dataDir, Map<String, List<String>> producedBySource, RunLog runs) throws IOException {
    ResultWriter results = new ResultWriter(dataDir.resolve("results"));
    long produced = 0;
    long succeeded = 0;
    long rerun = 0;
    long interrupted = 0;
    List<String> problems = new ArrayList<>();
    try (LedgerView ledger = SqliteLedgerStore.at(dataDir.resolve("ledger.db")).openView()) {
      for (var e : producedBySource.entrySet()) {
        String source = e.getKey();
        Map<String, List<ItemRecord>> versions = new HashMap<>();
        for (ItemState state : ItemState.values()) {
          for (ItemRecord r : ledger.inState(source, state)) {
            versions.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r);
          }
        }
        for (String id : e.getValue()) {
          produced++;
          List<ItemRecord> vs = versions.getOrDefault(id, List.of());
          List<Integer> ran = runs.attempts(source, id);
          if (vs.size() != 1 || vs.get(0).state() != ItemState.SUCCEEDED) {
            problem(problems, source + "/" + id + ": ledger has " + vs.stream().map(r -> r.state().wireName()).toList());
            continue;
          }
          int okAttempt = vs.get(0).attempts();
          long after = ran.stream().filter(a -> a > okAttempt).count();
          rerun += after;
          interrupted += ran.stream().filter(a -> a < okAttempt).count();
          if (after > 0) {
            problem(problems, source + "/" + id + ": ran again after succeeding at attempt " + okAttempt + ": " + ran);
          }
          if (!resultSaysSucceeded(results.fileFor(source, id))) {
            problem(problems, source + "/" + id + ": no complete result file saying succeeded");
            continue;
          }
          succeeded++;
        }
      }
    }
    return new Audit(produced, succeeded, produced - succeeded, rerun, interrupted, List.copyOf(problems));
  }

  private static boolean resultSaysSucceeded(Path file) {
    try {
      return "succeeded".equals(StatusFiles.mapper().readTree(Files.readAllBytes(file)).path("status").asText());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void problem(List<String> problems, String p) {
    if (problems.size() < 5) {
      problems.add(p);
    }
  }
}
