package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.posix.DaemonSignals;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real supervisor with the real worker: what a stall restart and a reload do to a handler that is
 * running. It is never signalled, runs once, is adopted by the next worker and its item succeeds with
 * attempt 1 (issue 12, tests 2 and 5).
 */
class SuperviseAdoptionIT {
  private static final Map<String, String> ENV = Map.of(DaemonSignals.SR_SIGNUM_VARIABLE, "40");

  @TempDir Path dir;

  /** Records each run ({@code runs}: source and id), its start and end, and any signal it gets. */
  private Path patient(TestConfig c, String seconds) throws Exception {
    return c.script("patient.sh", ""
        + "for s in TERM INT HUP; do trap \"echo \\\"$TENDED_ITEM_ID $s\\\" >> '" + dir.resolve("signals") + "'\" $s; done\n"
        + "echo \"$TENDED_SOURCE $TENDED_ITEM_ID\" >> '" + dir.resolve("runs") + "'\n"
        + "cat > /dev/null\n"
        + "touch '" + dir + "'/started-$TENDED_ITEM_ID\n"
        + "sleep " + seconds + "\n"
        + "touch '" + dir + "'/finished-$TENDED_ITEM_ID\n"
        + "exit 0");
  }

  private TestConfig config(Path handler) throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).heartbeatInterval("300ms")
        .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 4s, restartBackoff: { initial: 500ms } }");
    Files.createDirectories(c.dataDir());
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("a", 0, 1));
    c.write();
    return c;
  }

  private static ItemResult result(TestConfig c, String source, String id) throws Exception {
    return StatusFiles.mapper().readValue(c.dataDir().resolve("results/" + source + "/" + id + ".json").toFile(),
        ItemResult.class);
  }

  private static boolean succeeded(TestConfig c, String source, String id) {
    Path f = c.dataDir().resolve("results/" + source + "/" + id + ".json");
    try {
      return Files.exists(f) && "succeeded".equals(result(c, source, id).status());
    } catch (Exception e) {
      return false;
    }
  }

  private static List<AttemptRecord> attempts(TestConfig c, String source, String id) {
    try (LedgerView v = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openView()) {
      ItemRecord item = v.versions(source, id).get(0);
      return v.attempts(item.seq());
    }
  }

  private void assertRanOnceUnsignalledAndSucceededWithAttemptOne(TestConfig c, String id) throws Exception {
    assertThat(Files.readAllLines(dir.resolve("runs"))).containsOnlyOnce("ideas " + id);
    assertThat(dir.resolve("signals")).as("the handler was never signalled").doesNotExist();
    ItemResult r = result(c, "ideas", id);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.durationMs()).as("its real duration, from its own start").isGreaterThanOrEqualTo(6000);
    assertThat(attempts(c, "ideas", id)).singleElement()
        .satisfies(a -> assertThat(a.ending()).isEqualTo(AttemptEnding.EXITED));
  }

  @Test
  void aStallRestartLeavesTheRunningHandlerAloneAndTheNextWorkerAdoptsItSoItSucceedsOnce() throws Exception {
    TestConfig c = config(patient(new TestConfig(dir), "6"));
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), ENV)) {
      long frozen = sup.awaitBeatingWorker(-1, Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("started-a0")));
      WorkerProcess.signal(frozen, "STOP");

      long fresh = sup.awaitBeatingWorker(frozen, Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(c, "ideas", "a0"));

      assertThat(fresh).isNotEqualTo(frozen);
      awaitLogged(() -> assertThat(sup.log()).contains("worker_stalled pid=" + frozen));
      assertRanOnceUnsignalledAndSucceededWithAttemptOne(c, "a0");
      assertThat(Files.exists(dir.resolve("finished-a0"))).isTrue();
    }
  }

  @Test
  void aReloadAddingASourceWhileALongHandlerRunsDoesNotInterruptItAndTheNewSourcesItemsRun() throws Exception {
    TestConfig c = config(patient(new TestConfig(dir), "15"));
    Path quick = c.script("quick.sh", "cat > /dev/null; echo \"$TENDED_SOURCE $TENDED_ITEM_ID\" >> '"
        + dir.resolve("runs") + "'; exit 0");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), ENV)) {
      long old = sup.awaitBeatingWorker(-1, Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("started-a0")));
      Queues.replaceAtomically(c.dataDir().resolve("qa.json"), Queues.ideas("q", 0, 2));
      c.source(TestConfig.jsonQueue("qa", "qa.json", quick, "")).write();

      Supervisor.Result reload = Supervisor.run("reload", "--config", c.file().toString());

      assertThat(reload.exitCode()).as(reload.out() + reload.err()).isZero();
      assertThat(sup.awaitBeatingWorker(old, Duration.ofSeconds(30))).isNotEqualTo(old);
      assertThat(Files.exists(dir.resolve("finished-a0"))).as("still running at the reload's end: "
          + sup.log().lines().filter(l -> l.contains("reload_") || l.contains("hand_over")).toList()).isFalse();
      await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(c, "ideas", "a0")
          && succeeded(c, "qa", "q0") && succeeded(c, "qa", "q1"));
      assertRanOnceUnsignalledAndSucceededWithAttemptOne(c, "a0");
      Matcher took = Pattern.compile("reload_done config=\\S+ took_ms=(\\d+) ").matcher(sup.log());
      assertThat(took.find()).isTrue();
      System.out.printf("measured reload with a handler running: signal -> new worker's first beat %s ms (%s)%n",
          took.group(1), reload.out().strip());
      sup.log().lines().filter(l -> l.contains("reload_") || l.contains("hand_over") || l.contains("first_heartbeat")
          || l.contains("worker_started") || l.contains("items_adopted")).forEach(l -> System.out.println("  " + l));
      awaitLogged(() ->
          assertThat(sup.log()).contains("outcome=handed_over exit_code=75").doesNotContain("worker_restarted"));
    }
  }
}
