package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerException;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' commands against a real worker jar: {@code pause} (held across a restart of the
 * worker, with and without {@code --drain}), {@code resume}, {@code cancel} of a running handler tree
 * and of an item while no worker runs, {@code retry --all-dead} with {@code --dry-run}, and a file in
 * the request folder that is not a request. Every command is the supervisor jar run as a child
 * process; the ledger is read as the read commands read it. "Starts none" is shown by heartbeats: a
 * fresh beat proves the dispatcher completed cycles since, so a few beats without a start are a
 * condition, not a sleep.
 */
class OperatorControlIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;

  private TestConfig config(String handlerBody, String extra) throws IOException {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handler.sh", handlerBody);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, extra));
    c.write();
    return c;
  }

  /** A handler that notes each start in {@code started/ID}, then runs {@code then}. */
  private String noting(String then) {
    return "cat > /dev/null\nmkdir -p '" + dir + "/started'\necho $$ >> '" + dir + "/started/'\"$TENDED_ITEM_ID\"\n"
        + then;
  }

  private long starts() throws IOException {
    Path started = dir.resolve("started");
    if (!Files.isDirectory(started)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(started)) {
      return s.mapToLong(p -> lines(p).size()).sum();
    }
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<ItemRecord> versions(TestConfig c, String id) {
    Path ledger = c.dataDir().resolve("ledger.db");
    if (!Files.exists(ledger)) {
      return List.of();
    }
    try (LedgerView view = SqliteLedgerStore.at(ledger).openView()) {
      return view.versions("ideas", id);
    } catch (LedgerException e) {
      return List.of(); // the worker made the file and has not written its schema yet
    }
  }

  private static ItemRecord latest(TestConfig c, String id) {
    List<ItemRecord> v = versions(c, id);
    return v.isEmpty() ? null : v.get(v.size() - 1);
  }

  private static ItemState state(TestConfig c, String id) {
    ItemRecord r = latest(c, id);
    return r == null ? null : r.state();
  }

  private static List<AttemptRecord> attempts(TestConfig c, String id) {
    try (LedgerView view = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openView()) {
      return view.attempts(latest(c, id).seq());
    }
  }

  private static JsonNode status(TestConfig c) throws IOException {
    return StatusFiles.mapper().readTree(c.statusFile().toFile());
  }

  /** Waits until the worker {@code pid} wrote {@code beats} more heartbeats than now: its dispatcher cycled meanwhile. */
  private static void beatsPass(TestConfig c, long pid, int beats) {
    long[] first = {-1};
    await().atMost(WAIT).until(() -> {
      if (!Files.exists(c.statusFile())) {
        return false;
      }
      JsonNode s = status(c);
      if (s.path("pid").asLong() != pid) {
        return false;
      }
      long seq = s.path("sequence").asLong();
      if (first[0] < 0) {
        first[0] = seq;
      }
      return seq >= first[0] + beats;
    });
  }

  private static Supervisor.Result tended(TestConfig c, String... args) throws IOException, InterruptedException {
    String[] all = new String[args.length + 1];
    all[0] = args[0];
    all[1] = "--config=" + c.file();
    System.arraycopy(args, 1, all, 2, args.length - 1);
    Supervisor.Result r = Supervisor.run(all);
    System.out.println("tended " + String.join(" ", args) + " -> " + r.exitCode() + "\n" + r.out() + r.err());
    return r;
  }

  private WorkerProcess worker(TestConfig c, String name) throws IOException {
    return WorkerProcess.startWorker(c.file(), dir.resolve(name));
  }

  @Test
  void aPausedSourceRecordsItemsButStartsNoneAcrossARestartAndResumeRunsThem() throws Exception {
    TestConfig c = config(noting("exit 0"), "");
    try (WorkerProcess w = worker(c, "worker-1.out")) {
      beatsPass(c, w.pid(), 1);
      Supervisor.Result paused = tended(c, "pause", "ideas");
      assertThat(paused.exitCode()).as(paused.err()).isZero();
      assertThat(paused.out()).contains("ideas is paused");
      await().atMost(WAIT).until(() -> status(c).path("sources").path("ideas").path("paused").asBoolean());
      Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("p", 0, 3));
      await().atMost(WAIT).until(() -> state(c, "p2") == ItemState.PENDING);
      beatsPass(c, w.pid(), 3);
      assertThat(starts()).as("items started while paused").isZero();
      assertThat(w.stop(WAIT)).isZero();
    }
    try (WorkerProcess w = worker(c, "worker-2.out")) {
      await().atMost(WAIT).until(() -> Files.exists(c.statusFile()) && status(c).path("pid").asLong() == w.pid());
      beatsPass(c, w.pid(), 3);
      assertThat(status(c).path("sources").path("ideas").path("paused").asBoolean()).isTrue();
      assertThat(starts()).as("items started after the restart of a paused source").isZero();
      assertThat(Stream.of("p0", "p1", "p2").map(id -> state(c, id))).containsOnly(ItemState.PENDING);

      Supervisor.Result resumed = tended(c, "resume", "ideas");
      assertThat(resumed.exitCode()).as(resumed.err()).isZero();
      await().atMost(WAIT).until(() -> Stream.of("p0", "p1", "p2").allMatch(id -> state(c, id) == ItemState.SUCCEEDED));
      await("status.json says ideas is resumed, at the latest at the next beat").atMost(WAIT)
          .until(() -> !status(c).path("sources").path("ideas").path("paused").asBoolean());
    }
  }

  @Test
  void drainLetsTheRunningHandlerFinishAndStartsNothingAfterIt() throws Exception {
    Path gate = dir.resolve("gate");
    TestConfig c = config(noting("while [ ! -f '" + gate + "' ]; do sleep 0.05; done\nexit 0"), "");
    try (WorkerProcess w = worker(c, "worker.out")) {
      Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("d", 0, 2));
      await().atMost(WAIT).until(() -> starts() == 1);
      Supervisor.Result paused = tended(c, "pause", "ideas", "--drain");
      assertThat(paused.exitCode()).as(paused.err()).isZero();
      await().atMost(WAIT).until(() -> status(c).path("sources").path("ideas").path("draining").asBoolean());
      Files.writeString(gate, "go");
      await().atMost(WAIT).until(() -> state(c, "d0") == ItemState.SUCCEEDED);
      await().atMost(WAIT).until(() -> !status(c).path("sources").path("ideas").path("draining").asBoolean());
      beatsPass(c, w.pid(), 3);
      assertThat(starts()).as("nothing starts after the drained handler").isEqualTo(1);
      assertThat(state(c, "d1")).isEqualTo(ItemState.PENDING);
      assertThat(status(c).path("sources").path("ideas").path("paused").asBoolean()).isTrue();
    }
  }

  @Test
  void aPauseWithoutDrainHandsTheRunningItemBackWithoutCountingAnAttempt() throws Exception {
    TestConfig c = config(noting("sleep 60 & wait"), "");
    try (WorkerProcess w = worker(c, "worker.out")) {
      Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("h", 0, 1));
      await().atMost(WAIT).until(() -> starts() == 1 && state(c, "h0") == ItemState.RUNNING);
      Supervisor.Result paused = tended(c, "pause", "ideas");
      assertThat(paused.exitCode()).as(paused.err()).isZero();
      await().atMost(WAIT).until(() -> state(c, "h0") == ItemState.PENDING);
      ItemRecord back = latest(c, "h0");
      assertThat(back.attempts()).as("the handed-back attempt is not counted").isZero();
      assertThat(attempts(c, "h0")).extracting(a -> a.ending().wireName()).containsExactly("handed-back");
      awaitLogged(() ->
          assertThat(w.output()).contains("item_handed_back source=ideas id=h0").contains("reason=paused"));
    }
  }

  @Test
  void cancelOfARunningHandlerTreeKillsItWithinTheKillGraceAndEndsTheItemDead() throws Exception {
    // The handler ignores SIGTERM and has a child: only the KILL after killGrace (1 s) ends the tree.
    TestConfig c = config(noting("trap '' TERM\nsleep 60 &\necho $! >> '" + dir + "/started/'\"$TENDED_ITEM_ID\"\n"
        + "wait; wait; sleep 60"), "");
    try (WorkerProcess w = worker(c, "worker.out")) {
      Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("c", 0, 1));
      await().atMost(WAIT).until(() -> lines(dir.resolve("started/c0")).size() == 2);
      List<Long> tree = lines(dir.resolve("started/c0")).stream().map(Long::parseLong).toList();
      assertThat(tree).allMatch(pid -> Files.exists(Path.of("/proc/" + pid)));

      long t0 = System.nanoTime();
      Supervisor.Result cancelled = tended(c, "cancel", "ideas", "c0");
      assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
      assertThat(cancelled.out()).contains("ideas/c0 cancelled");
      // The answer comes once the end is recorded, which waits for every process of the attempt.
      assertThat(tree).noneMatch(pid -> Files.exists(Path.of("/proc/" + pid)));
      System.out.printf("FIGURE: cancel command to a dead, gone tree: %d ms (killGrace 1 s, with the command's JVM)%n",
          (System.nanoTime() - t0) / 1_000_000);
      ItemRecord dead = latest(c, "c0");
      assertThat(dead.state()).isEqualTo(ItemState.DEAD);
      assertThat(dead.lastError()).startsWith("cancelled by an operator (user=");
      assertThat(attempts(c, "c0")).extracting(a -> a.ending().wireName()).containsExactly("cancelled");
      assertThat(Files.readString(c.dataDir().resolve("results/ideas/c0.json"))).contains("\"status\" : \"dead\"")
          .contains("cancelled by an operator");
      awaitLogged(() ->
          assertThat(w.output()).contains("item_dead source=ideas id=c0").contains("operator_request")
              .contains("action=cancel"));
    }
  }

  @Test
  void aCancelGivenWhileNoWorkerRunsExits75AndTakesEffectWhenTheWorkerStarts() throws Exception {
    TestConfig c = config(noting("exit 0"), "");
    try (WorkerProcess w = worker(c, "worker-1.out")) {
      beatsPass(c, w.pid(), 1);
      assertThat(tended(c, "pause", "ideas").exitCode()).isZero();
      Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("w", 0, 2));
      await().atMost(WAIT).until(() -> state(c, "w1") == ItemState.PENDING);
      assertThat(w.stop(WAIT)).isZero();
    }
    Supervisor.Result cancel = tended(c, "cancel", "ideas", "w0", "--wait", "500ms");
    assertThat(cancel.exitCode()).as(cancel.out() + cancel.err()).isEqualTo(75);
    Supervisor.Result resume = tended(c, "resume", "ideas", "--wait", "500ms");
    assertThat(resume.exitCode()).isEqualTo(75);
    try (Stream<Path> waiting = Files.list(c.dataDir().resolve("control/requests"))) {
      assertThat(waiting.filter(p -> !p.getFileName().toString().startsWith("."))).hasSize(2);
    }
    try (WorkerProcess w = worker(c, "worker-2.out")) {
      await().atMost(WAIT).until(() -> state(c, "w1") == ItemState.SUCCEEDED);
      assertThat(state(c, "w0")).as("cancelled at the start, before the resume let it run").isEqualTo(ItemState.DEAD);
      assertThat(latest(c, "w0").lastError()).startsWith("cancelled by an operator");
      assertThat(starts()).isEqualTo(1);
      try (Stream<Path> waiting = Files.list(c.dataDir().resolve("control/requests"))) {
        assertThat(waiting.filter(p -> !p.getFileName().toString().startsWith("."))).isEmpty();
      }
      try (Stream<Path> answers = Files.list(c.dataDir().resolve("control/answers"))) {
        assertThat(answers).as("the first run's pause, then the cancel and the resume").hasSize(3);
      }
    }
  }

  @Test
  void retryAllDeadBringsBackExactlyThatSourcesDeadItemsDryRunListsTheSameAndOneItemCanBeRetried() throws Exception {
    Path fixed = dir.resolve("fixed");
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handler.sh", "cat > /dev/null\n[ -f '" + fixed + "' ] && exit 0\nexit 65");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .source(TestConfig.jsonQueue("mail", "mail_log.json", handler, "")).write();
    try (WorkerProcess w = worker(c, "worker.out")) {
      Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("r", 0, 3));
      Queues.replaceAtomically(c.dataDir().resolve("mail_log.json"), Queues.ideas("m", 0, 2));
      await().atMost(WAIT).until(() -> Stream.of("r0", "r1", "r2").allMatch(id -> state(c, id) == ItemState.DEAD)
          && mailDead(c) == 2);

      Supervisor.Result dry = tended(c, "retry", "ideas", "--all-dead", "--dry-run", "--json");
      assertThat(dry.exitCode()).as(dry.err()).isZero();
      assertThat(dry.json().findValuesAsText("id")).containsExactlyInAnyOrder("r0", "r1", "r2");
      try (Stream<Path> waiting = Files.list(c.dataDir().resolve("control/requests"))) {
        assertThat(waiting).as("a dry run submits nothing").isEmpty();
      }

      Files.writeString(fixed, "yes");
      Supervisor.Result retried = tended(c, "retry", "ideas", "--all-dead");
      assertThat(retried.exitCode()).as(retried.err()).isZero();
      assertThat(retried.out()).contains("3 dead item(s) of ideas pending again");
      await().atMost(WAIT).until(() -> Stream.of("r0", "r1", "r2").allMatch(id -> state(c, id) == ItemState.SUCCEEDED));
      beatsPass(c, w.pid(), 2);
      assertThat(mailDead(c)).as("another source's dead items stay dead").isEqualTo(2);

      Supervisor.Result one = tended(c, "retry", "mail", "m0");
      assertThat(one.exitCode()).as(one.err()).isZero();
      assertThat(one.out()).contains("mail/m0 is pending again");
      await().atMost(WAIT).until(() -> mailDead(c) == 1);
      Supervisor.Result notDead = tended(c, "retry", "mail", "m0");
      assertThat(notDead.exitCode()).isEqualTo(1);
      assertThat(notDead.err()).contains("mail/m0 is not dead");
    }
  }

  private static long mailDead(TestConfig c) {
    try (LedgerView view = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openView()) {
      return view.inState("mail", ItemState.DEAD).size();
    } catch (LedgerException e) {
      return 0; // not there yet
    }
  }

  @Test
  void aFileThatIsNotARequestIsRejectedWithItsReasonAndTheWorkerGoesOn() throws Exception {
    TestConfig c = config(noting("exit 0"), "");
    try (WorkerProcess w = worker(c, "worker.out")) {
      beatsPass(c, w.pid(), 1);
      Path requests = c.dataDir().resolve("control/requests");
      Files.writeString(requests.resolve("1764680000000-0123456789ab.json"), "{\"action\": \"explode\"");
      Files.createSymbolicLink(requests.resolve("1764680000001-0123456789ab.json"), c.file());
      Files.writeString(requests.resolve("notes.txt"), "hello");
      Path rejected = c.dataDir().resolve("control/rejected");
      await().atMost(WAIT).until(() -> Files.isDirectory(rejected) && list(rejected).size() == 3);
      assertThat(list(requests)).isEmpty();
      awaitLogged(() ->
          assertThat(w.output())
              .contains("control_request_rejected file=" + requests.resolve("1764680000000-0123456789ab.json")
                  + " reason=\"not a request")
              .contains("1764680000001-0123456789ab.json reason=\"a symbolic link")
              .contains("notes.txt reason=\"the name is not <request id>.json"));
      Supervisor.Result paused = tended(c, "pause", "ideas");
      assertThat(paused.exitCode()).as("the worker still applies requests").isZero();
      assertThat(w.isAlive()).isTrue();
    }
  }

  private static List<String> list(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

}
