package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.io.SafeFileNames;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tended recover-ledger}: after a damaged ledger, finished items are known again and nothing finished reruns. */
class RecoverLedgerIT {
  @TempDir Path dir;

  @Test
  void aDamagedLedgerIsKeptAsideAndRebuiltFromResultsSoFinishedItemsAreKnownAgain() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handle.sh", "cat > /dev/null; [ \"$TENDED_ITEM_ID\" = bad ] && exit 65; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
    Path queue = c.dataDir().resolve("ideas_log.json");
    Queues.replaceAtomically(queue, "[{\"id\": \"good\", \"title\": \"a\"}, {\"id\": \"bad\", \"title\": \"b\"}]");
    Path ledgerFile = c.dataDir().resolve("ledger.db");
    try (WorkerProcess w = WorkerProcess.startWorker(c.file(), dir.resolve("w1.out"))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(c.dataDir().resolve("results/ideas/bad.json"))
          && Files.exists(c.dataDir().resolve("results/ideas/good.json")));
      Supervisor.Result whileRunning = Supervisor.run("recover-ledger", "--config", c.file().toString());
      assertThat(whileRunning.exitCode()).as("refused while a worker runs").isEqualTo(1);
      assertThat(whileRunning.err()).contains("worker " + w.pid() + " is running");
      w.signal("TERM");
      assertThat(w.awaitExit(Duration.ofSeconds(15))).isZero();
    }
    byte[] garbage = new byte[(int) Files.size(ledgerFile)];
    new Random(3).nextBytes(garbage);
    Files.write(ledgerFile, garbage);

    Supervisor.Result r = Supervisor.run("recover-ledger", "--config", c.file().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("knows 2 finished items");
    try (Stream<Path> kept = Files.list(c.dataDir())) {
      List<Path> aside = kept.filter(p -> p.getFileName().toString().startsWith("ledger.db.damaged-")).toList();
      assertThat(aside).anySatisfy(p -> assertThat(Files.readAllBytes(p)).isEqualTo(garbage));
    }
    try (LedgerView ledger = SqliteLedgerStore.at(ledgerFile).openView()) {
      assertThat(ledger.versions("ideas", "good")).extracting(ItemRecord::state).containsExactly(ItemState.SUCCEEDED);
      ItemRecord bad = ledger.versions("ideas", "bad").get(0);
      assertThat(bad.state()).isEqualTo(ItemState.DEAD);
      assertThat(bad.payload()).as("the input the handler had, for a retry").contains("\"id\":\"bad\"");
    }
    // Dead in the recovered ledger, so a retry is taken (75: no worker runs; it applies it at its start).
    assertThat(Supervisor.run("retry", "--config", c.file().toString(), "ideas", "bad", "--wait", "200ms").exitCode())
        .isEqualTo(75);
  }

  @Test
  void anIdThatIsTheOldFileNameOfAnotherKeepsItsOwnResultAndInputAndNeitherRunsAgainAfterRecovery() throws Exception {
    String twin = SafeFileNames.legacyForId("a/b").orElseThrow();
    TestConfig c = new TestConfig(dir);
    Path runs = dir.resolve("runs.txt");
    // succeeds only when stdin is its own item; each run leaves its id in runs.txt
    Path handler = c.script("handle.sh", "input=$(cat); printf '%s\\n' \"$TENDED_ITEM_ID\" >> " + runs + "\n"
        + "case \"$input\" in *\"\\\"id\\\":\\\"$TENDED_ITEM_ID\\\"\"*) exit 0;; *) exit 65;; esac");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
    Path queue = c.dataDir().resolve("ideas_log.json");
    Queues.replaceAtomically(queue, "[{\"id\": \"a/b\", \"t\": 1}, {\"id\": \"" + twin + "\", \"t\": 2}]");
    Path results = c.dataDir().resolve("results/ideas");
    try (WorkerProcess w = WorkerProcess.startWorker(c.file(), dir.resolve("w1.out"))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> countFiles(results) == 2);
      w.signal("TERM");
      assertThat(w.awaitExit(Duration.ofSeconds(15))).isZero();
    }
    try (LedgerView ledger = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openView()) {
      for (String id : List.of("a/b", twin)) {
        assertThat(ledger.versions("ideas", id)).as(id).extracting(ItemRecord::state)
            .containsExactly(ItemState.SUCCEEDED);
      }
    }
    assertThat(Files.readString(results.resolve(twin + ".json"))).contains("\"id\" : \"" + twin + "\"");
    assertThat(Files.readString(results.resolve(SafeFileNames.forId("a/b") + ".json"))).contains("\"id\" : \"a/b\"");

    for (String f : List.of("ledger.db", "ledger.db-wal", "ledger.db-shm")) {
      Files.deleteIfExists(c.dataDir().resolve(f));
    }
    Supervisor.Result r = Supervisor.run("recover-ledger", "--config", c.file().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("knows 2 finished items");
    try (LedgerView ledger = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openView()) {
      assertThat(ledger.versions("ideas", "a/b").get(0).payload()).contains("\"t\":1");
      assertThat(ledger.versions("ideas", twin).get(0).payload()).contains("\"t\":2");
    }
    Queues.replaceAtomically(queue, "[{\"id\": \"a/b\", \"t\": 1}, {\"id\": \"" + twin + "\", \"t\": 2},"
        + " {\"id\": \"after\"}]");
    try (WorkerProcess w = WorkerProcess.startWorker(c.file(), dir.resolve("w2.out"))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(results.resolve("after.json")));
      w.signal("TERM");
      assertThat(w.awaitExit(Duration.ofSeconds(15))).isZero();
    }
    assertThat(Files.readAllLines(runs, StandardCharsets.UTF_8)).containsExactlyInAnyOrder("a/b", twin, "after");
  }

  private static long countFiles(Path folder) throws java.io.IOException {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    }
  }
}
