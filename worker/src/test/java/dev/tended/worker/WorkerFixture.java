package dev.tended.worker;

import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerException;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the worker integration tests share: a config in a temp folder, the running jar, and probes. */
final class WorkerFixture implements AutoCloseable {
  final Path dir;
  final TestConfig config;
  final StatusProbe status;
  final Path runsLog;
  private final List<WorkerProcess> processes = new ArrayList<>();

  WorkerFixture(Path dir) {
    this.dir = dir;
    this.config = new TestConfig(dir);
    this.status = new StatusProbe(config.dataDir().resolve("status.json"));
    this.runsLog = dir.resolve("runs.log");
  }

  /** A handler that records "source id attempt" in runs.log, then runs {@code body}. */
  Path recordingHandler(String name, String body) throws IOException {
    return config.script(name, "echo \"$TENDED_SOURCE $TENDED_ITEM_ID $TENDED_ATTEMPT\" >> '" + runsLog + "'\n" + body);
  }

  WorkerProcess start() throws IOException {
    WorkerProcess p = WorkerProcess.startWorker(config.file(), dir.resolve("worker-" + processes.size() + ".out"));
    processes.add(p);
    return p;
  }

  /** Waits until the worker has written a status file with {@code pid}. */
  WorkerStatus awaitBeatFrom(WorkerProcess p) {
    await().atMost(Duration.ofSeconds(30)).until(() -> status.read().filter(s -> s.pid() == p.pid()).isPresent());
    return status.read().orElseThrow();
  }

  /** Lines of runs.log: one per handler run. */
  List<String> runs() throws IOException {
    return Files.exists(runsLog) ? Files.readAllLines(runsLog) : List.of();
  }

  long resultCount(String source) throws IOException {
    Path d = config.dataDir().resolve("results").resolve(source);
    if (!Files.isDirectory(d)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith("."))
          .count();
    }
  }

  /** The source's counts; all zero while the worker has not created its ledger yet. */
  Map<ItemState, Long> counts(String source) {
    try (LedgerView ledger = SqliteLedgerStore.at(config.dataDir().resolve("ledger.db")).openView()) {
      return ledger.counts(source);
    } catch (LedgerException notYet) {
      return LedgerView.emptyCounts();
    }
  }

  <T> T withLedger(java.util.function.Function<LedgerView, T> f) {
    try (LedgerView ledger = SqliteLedgerStore.at(config.dataDir().resolve("ledger.db")).openView()) {
      return f.apply(ledger);
    }
  }

  String workerLog() throws IOException {
    Path f = config.dataDir().resolve("logs/worker.log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  @Override
  public void close() {
    processes.forEach(WorkerProcess::close);
  }
}
