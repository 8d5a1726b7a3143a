package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.config.ConfigLoader;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.RunningItem;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.WorkerProcess;
import dev.tended.testkit.cluster.ClusterNode;
import dev.tended.testkit.cluster.ClusterRig;
import dev.tended.testkit.cluster.ClusterSettings;
import dev.tended.testkit.cluster.RunAudit;
import dev.tended.testkit.postgres.PostgresDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Workers of several "hosts" sharing one PostgreSQL ledger and one queue folder, all real: the worker
 * jar started once per node ({@link ClusterRig}), a PostgreSQL server from Debian's package for the
 * class, a fresh database per test, and an audit file every handler appends to, which tells how often
 * each item really ran whatever the ledger says. Each test is one of the cluster issue's promises: the
 * items of three nodes run once each and spread; a node killed mid-run loses its attempts after its
 * lease, and they still succeed once; a frozen node's late outcome is refused in favour of the new
 * owner's; the source's poller moves to another node after its death; a database down for 20 s costs
 * nothing; retention removes, on every node, the files of what any node pruned; the dashboard of any
 * node shows the nodes, the source's poller and where each item runs (in headless Chromium when it is
 * installed, as .ci/run does). Leases are 12 s,
 * renewed every second, so the class runs in a few minutes.
 */
class ClusterIT {
  /** Starting three JVMs on a busy two-core machine, and reading their first beats. */
  private static final Duration START = Duration.ofSeconds(90);
  /** How long the work may stand still before a wait fails: longer than a lease and a take-over. */
  private static final Duration STALL = Duration.ofSeconds(45);
  /** Beyond a bound the product promises: the commit, and this test's look at the ledger, on a busy machine. */
  private static final Duration MARGIN = Duration.ofSeconds(5);

  @RegisterExtension static final PostgresDatabases PG = new PostgresDatabases("cluster");
  @TempDir Path dir;
  private ClusterRig rig;

  @AfterEach
  void stopTheNodes() throws Exception {
    if (rig != null) {
      System.out.println(rig.describe());
      rig.close();
    }
  }

  private ClusterRig rig(ClusterSettings settings) throws Exception {
    rig = ClusterRig.create(dir, PG.server(), PG.url(), settings);
    return rig;
  }

  @Test
  void threeNodesRunThreeHundredItemsEachExactlyOnceSpreadOverTheNodes() throws Exception {
    ClusterRig r = rig(ClusterSettings.defaults());
    r.startAll().awaitBeating(START);

    r.offer("i", 0, 300);
    r.awaitSucceeded(300, STALL);

    List<String> ids = ClusterRig.ids("i", 0, 300);
    assertEachSucceededOnceInTheLedger(r, ids);
    RunAudit audit = r.audit();
    for (String id : ids) {
      assertThat(audit.runsOf(id)).as("runs of %s", id).hasSize(1).allMatch(RunAudit.Run::done);
    }
    System.out.println("finished runs per node: " + audit.finishedByNode());
    assertThat(audit.finishedByNode()).as("every node ran some").containsOnlyKeys("n1", "n2", "n3")
        .allSatisfy((node, runs) -> assertThat(runs).isPositive());
    assertThat(r.nodes()).allMatch(ClusterNode::alive);
  }

  @Test
  void aKilledNodesItemsAreTakenOverAfterItsLeaseAndStillSucceedExactlyOnce() throws Exception {
    ClusterRig r = rig(ClusterSettings.defaults().withHandlerBody("sleep 1"));
    ClusterNode victim = r.node("n2");
    r.startAll().awaitBeating(START);
    r.offer("k", 0, 120);
    await().atMost(STALL).until(() -> runningOn(r, "n2").size() >= 2 && r.count(ItemState.SUCCEEDED) >= 12);

    long killedAt = System.nanoTime();
    victim.killHost();
    Set<String> held = runningOn(r, "n2"); // what the dead node held when it died: the ledger keeps it until the lease ends
    System.out.println("n2 held at its death: " + held);
    assertThat(held).isNotEmpty();

    await().atMost(r.settings().staleAfter().multipliedBy(3).plus(STALL)).until(() -> runningOn(r, "n2").isEmpty());
    Duration takeOver = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.println("n2's attempts taken over " + takeOver.toMillis() + " ms after its kill -9");
    assertThat(takeOver).as("not before the lease ended")
        .isGreaterThanOrEqualTo(r.settings().staleAfter().minus(r.settings().heartbeat().multipliedBy(2)));
    r.awaitSucceeded(120, STALL);

    List<String> ids = ClusterRig.ids("k", 0, 120);
    assertEachSucceededOnceInTheLedger(r, ids);
    try (LedgerView v = r.view()) {
      for (String id : held) {
        assertThat(v.versions(ClusterRig.SOURCE, id).get(0).interruptions()).as("%s taken over", id).isEqualTo(1);
      }
    }
    RunAudit audit = r.audit();
    for (String id : ids) {
      List<RunAudit.Run> survivors = audit.runsOf(id).stream().filter(run -> !run.node().equals("n2")).toList();
      List<RunAudit.Run> onVictim = audit.runsOf(id).stream().filter(run -> run.node().equals("n2")).toList();
      if (held.contains(id)) {
        assertThat(survivors).as("%s after the take-over", id).hasSize(1).allMatch(RunAudit.Run::done);
        assertThat(onVictim).as("%s on the dead node", id).hasSizeLessThanOrEqualTo(1);
      } else {
        assertThat(audit.runsOf(id)).as("runs of %s, which the dead node did not hold", id).hasSize(1)
            .allMatch(RunAudit.Run::done);
      }
    }
    assertThat(r.node("n1").alive()).isTrue();
    assertThat(r.node("n3").alive()).isTrue();
    assertThat(r.node("n1").events("lease_taken_over").size() + r.node("n3").events("lease_taken_over").size())
        .isEqualTo(held.size());
  }

  @Test
  void aFrozenNodesLateOutcomeIsRefusedAndTheItemsOutcomeIsTheNewOwners() throws Exception {
    Path gates = Files.createDirectories(dir.resolve("gates"));
    ClusterRig r = rig(ClusterSettings.defaults().withNodes(2).withHandlerBody(
        "while [ ! -f '" + gates + "/release-'\"$NODE\" ]; do sleep 0.1; done\necho \"outcome of $NODE\""));
    ClusterNode frozen = r.node("n1");
    ClusterNode owner = r.node("n2");
    frozen.start();
    r.awaitBeating(START);
    r.offer("slow", 0, 1);
    await().atMost(STALL).until(() -> r.audit().lastOn("slow0", "n1").isPresent());
    owner.start();
    r.awaitBeating(START);

    frozen.freeze();
    long frozenAt = System.nanoTime();
    await().atMost(r.settings().staleAfter().multipliedBy(3).plus(STALL))
        .until(() -> r.audit().lastOn("slow0", "n2").isPresent());
    Duration takenAfter = Duration.ofNanos(System.nanoTime() - frozenAt);
    System.out.println("taken over by n2 " + takenAfter.toMillis() + " ms after n1 froze");
    assertThat(takenAfter).isGreaterThanOrEqualTo(r.settings().staleAfter().minus(r.settings().heartbeat().multipliedBy(2)));
    assertThat(runningOn(r, "n2")).containsExactly("slow0");

    // n1's handler finishes while n1 is frozen: its outcome waits for n1 to wake, past the lease
    Files.createFile(gates.resolve("release-n1"));
    long latePid = r.audit().lastOn("slow0", "n1").orElseThrow().pid();
    await().atMost(STALL).until(() -> r.audit().lastOn("slow0", "n1").orElseThrow().done()
        && ProcessHandle.of(latePid).map(p -> !p.isAlive()).orElse(true));
    frozen.thaw();
    await().atMost(STALL).until(() -> frozen.events("item_record_abandoned").stream().anyMatch(l -> l.contains("id=slow0"))
        || frozen.events("item_lease_lost").stream().anyMatch(l -> l.contains("id=slow0")));
    System.out.println("n1 after its thaw: " + frozen.events("item_record_abandoned") + frozen.events("item_lease_lost"));
    assertThat(runningOn(r, "n2")).as("still the new owner's attempt").containsExactly("slow0");
    Path lateResult = ItemResult.fileIn(ConfigLoader.load(frozen.config().file()).resultsDir(), ClusterRig.SOURCE, "slow0");
    assertThat(lateResult).as("the late outcome wrote no result file").doesNotExist();

    Files.createFile(gates.resolve("release-n2"));
    r.awaitSucceeded(1, STALL);
    Path result = ItemResult.fileIn(ConfigLoader.load(owner.config().file()).resultsDir(), ClusterRig.SOURCE, "slow0");
    await().atMost(STALL).until(() -> Files.exists(result));
    assertThat(Files.readString(result)).contains("outcome of n2").doesNotContain("outcome of n1");
    assertThat(lateResult).doesNotExist();
    try (LedgerView v = r.view()) {
      ItemRecord item = v.versions(ClusterRig.SOURCE, "slow0").get(0);
      assertThat(item.state()).isEqualTo(ItemState.SUCCEEDED);
      assertThat(item.attempts()).as("the lost attempt does not count").isEqualTo(1);
      assertThat(item.interruptions()).isEqualTo(1);
      assertThat(v.transitionsTo(item.seq(), ItemState.SUCCEEDED)).isEqualTo(1);
    }
    assertThat(frozen.alive()).isTrue();
    assertThat(owner.alive()).isTrue();
  }

  @Test
  void anotherNodePollsTheSourceWithinStaleAfterAndAPollIntervalOfItsPollersDeath() throws Exception {
    ClusterRig r = rig(ClusterSettings.defaults());
    r.startAll().awaitBeating(START);
    int offered = 0;
    for (int batch = 0; batch < 3; batch++) {
      r.offer("b" + batch + "-", 0, 10);
      offered += 10;
      int want = offered;
      await().atMost(STALL).until(() -> recorded(r) >= want);
    }
    List<ClusterNode> pollers = nodesThatRecorded(r);
    System.out.println("nodes that recorded new items: " + pollers + "; " + newItemsByNode(r));
    assertThat(pollers).as("one node polls the source").hasSize(1);
    ClusterNode dead = pollers.get(0);
    assertThat(dead.events("source_owned")).as("the poller says it holds the source").isNotEmpty();
    for (ClusterNode other : r.nodes()) {
      if (other != dead) {
        assertThat(other.events("source_owned")).as("%s holds no source", other.name()).isEmpty();
      }
    }

    ClusterNode asked = r.nodes().stream().filter(n -> n != dead).findFirst().orElseThrow();
    assertThat(polledBy(asked)).as("status on another node names the poller").isEqualTo(dead.name());
    assertThat(tended(asked, "status").out()).contains("polled: " + ClusterRig.SOURCE + " by " + dead.name() + " since ");

    Map<String, Long> before = newItemsByNode(r);
    dead.killHost();
    long killedAt = System.nanoTime();
    r.offer("after-", 0, 10);
    int want = offered + 10;
    await().atMost(STALL.multipliedBy(2)).until(() -> recorded(r) >= want);
    Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.println("new items recorded " + failover.toMillis() + " ms after the poller's kill -9");
    Map<String, Long> now = newItemsByNode(r);
    List<String> after = now.keySet().stream().filter(n -> now.get(n) > before.get(n)).toList();
    System.out.println("new items per node after " + dead.name() + "'s death: " + now);
    assertThat(after).as("one other node polls it now").hasSize(1).doesNotContain(dead.name());
    assertThat(r.node(after.get(0)).events("source_owned")).as("and says it holds the source").isNotEmpty();
    assertThat(polledBy(asked)).as("and status says so").isEqualTo(after.get(0));
    assertThat(failover).isLessThanOrEqualTo(r.settings().staleAfter().plus(r.settings().pollInterval()).plus(MARGIN));
    r.awaitSucceeded(want, STALL);
  }

  @Test
  void theDatabaseDownForTwentySecondsMidRunLosesNothingAndTheBacklogDrains() throws Exception {
    ClusterRig r = rig(ClusterSettings.defaults().withHandlerBody("sleep 0.5"));
    r.startAll().awaitBeating(START);
    r.offer("d", 0, 150);
    await().atMost(STALL).until(() -> r.count(ItemState.SUCCEEDED) >= 24);

    PG.server().stop();
    r.offer("d", 150, 200); // arrives while the database is away
    await().atMost(STALL).until(() -> r.nodes().stream().allMatch(n -> reach(n).map(x -> !x.reachable()).orElse(false)));
    await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(40)).until(() -> r.nodes().stream()
        .allMatch(ClusterNode::alive));
    assertThat(r.nodes()).as("each status file says why").allMatch(n -> reach(n).map(x -> x.error() != null)
        .orElse(false));
    PG.server().startAgain();
    await().atMost(STALL).until(() -> r.nodes().stream().allMatch(n -> reach(n).map(x -> x.reachable()).orElse(false)));

    r.awaitSucceeded(200, STALL);
    assertThat(r.nodes()).as("no worker exited").allMatch(ClusterNode::alive);
    List<String> ids = ClusterRig.ids("d", 0, 200);
    assertEachSucceededOnceInTheLedger(r, ids);
    RunAudit audit = r.audit();
    List<String> again = new ArrayList<>();
    for (String id : ids) {
      assertThat(audit.finishedById().get(id)).as("%s ran", id).isNotEmpty();
      audit.startedAfterAFinish(id).ifPresent(run -> again.add(id + " on " + run.node()));
    }
    assertThat(again).as("no finished item ran again").isEmpty();
    for (ClusterNode n : r.nodes()) {
      System.out.println(n.name() + ": " + n.events("ledger_unreachable").size() + " ledger_unreachable, "
          + n.events("ledger_reachable").size() + " ledger_reachable");
      assertThat(n.events("ledger_unreachable")).as("%s said the database was away", n.name()).isNotEmpty();
    }
  }

  @Test
  void aCancelAPauseAndARetryRunThroughOneNodeActOnTheItemsAnotherNodeRuns() throws Exception {
    Path gate = dir.resolve("gate");
    ClusterRig r = rig(ClusterSettings.defaults().withNodes(2).withHandlerTimeout(Duration.ofMinutes(10))
        .withHandlerBody("while [ ! -f '" + gate + "' ]; do sleep 0.1; done"));
    ClusterNode operators = r.node("n1");
    ClusterNode runner = r.node("n2");
    runner.start();
    r.awaitBeating(START);
    r.offer("c", 0, 3);
    await().atMost(STALL).until(() -> ClusterRig.ids("c", 0, 3).stream()
        .allMatch(id -> lastRunOn(r, id, "n2").isPresent()));
    operators.start();
    r.awaitBeating(START);

    long pid = lastRunOn(r, "c0", "n2").orElseThrow().pid();
    Supervisor.Result cancelled = tended(operators, "cancel", ClusterRig.SOURCE, "c0");
    assertThat(cancelled.exitCode()).as(cancelled.out() + cancelled.err()).isZero();
    assertThat(cancelled.out()).contains("ideas/c0 cancelled");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("n2's handler is gone").isFalse();
    try (LedgerView v = r.view()) {
      ItemRecord c0 = v.versions(ClusterRig.SOURCE, "c0").get(0);
      assertThat(c0.state()).isEqualTo(ItemState.DEAD);
      assertThat(c0.lastError()).startsWith("cancelled by an operator");
    }
    assertThat(runner.events("cancel_followed")).anyMatch(l -> l.contains("id=c0"));
    assertThat(runningOn(r, "n2")).as("only the cancelled item stopped").containsExactly("c1", "c2");

    Supervisor.Result paused = tended(operators, "pause", ClusterRig.SOURCE);
    assertThat(paused.exitCode()).as(paused.out() + paused.err()).isZero();
    await().atMost(STALL).until(() -> runningOn(r, "n2").isEmpty());
    assertThat(runner.events("pause_followed")).as("n2 followed n1's pause").isNotEmpty();
    Duration hold = r.settings().heartbeat().multipliedBy(3);
    await().during(hold).atMost(hold.plus(STALL)).until(() -> runningOn(r, "n1").isEmpty()
        && runningOn(r, "n2").isEmpty());
    try (LedgerView v = r.view()) {
      assertThat(v.counts(ClusterRig.SOURCE)).as("handed back, not counted").containsEntry(ItemState.PENDING, 2L);
    }

    Supervisor.Result retried = tended(operators, "retry", ClusterRig.SOURCE, "c0");
    assertThat(retried.exitCode()).as(retried.out() + retried.err()).isZero();
    Supervisor.Result resumed = tended(operators, "resume", ClusterRig.SOURCE);
    assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
    Files.createFile(gate);
    r.awaitSucceeded(3, STALL);
    try (LedgerView v = r.view()) {
      for (String id : ClusterRig.ids("c", 0, 3)) {
        assertThat(v.versions(ClusterRig.SOURCE, id).get(0).attempts()).as("attempts of %s", id).isEqualTo(1);
      }
    }
  }

  /** What {@code node}'s status file says of the database, empty without a readable file or that field. */
  private static java.util.Optional<dev.tended.status.LedgerReach> reach(ClusterNode node) {
    try {
      return java.util.Optional.ofNullable(dev.tended.status.StatusFiles.read(ConfigLoader.load(node.config().file())
          .heartbeat().file()).ledger());
    } catch (Exception e) {
      return java.util.Optional.empty();
    }
  }

  /** The source's poller as {@code tended status --json} on {@code node} names it (null: none). */
  private static String polledBy(ClusterNode node) throws Exception {
    Supervisor.Result status = tended(node, "status", "--json");
    assertThat(status.exitCode()).as(status.err()).isZero();
    JsonNode source = StatusFiles.mapper().readTree(status.out()).path("sources").path(0);
    assertThat(source.path("name").asText()).isEqualTo(ClusterRig.SOURCE);
    assertThat(source.has("poller")).as("a shared ledger's source has a poller").isTrue();
    return source.path("poller").path("node").isNull() ? null : source.path("poller").path("node").asText();
  }

  /** Runs a command of the supervisor jar on {@code node}'s configuration. */
  private static Supervisor.Result tended(ClusterNode node, String command, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = command;
    all[1] = "--config=" + node.config().file();
    System.arraycopy(args, 0, all, 2, args.length);
    Supervisor.Result r = Supervisor.run(all);
    System.out.println("tended " + command + " on " + node.name() + " -> " + r.exitCode() + "\n" + r.out() + r.err());
    return r;
  }

  private static java.util.Optional<RunAudit.Run> lastRunOn(ClusterRig r, String id, String node) {
    try {
      return r.audit().lastOn(id, node);
    } catch (java.io.IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** Every one of {@code ids} succeeded, went to succeeded once, and used one attempt. */
  @Test
  void retentionRemovesTheFilesOfWhatAnyNodePrunedFromEveryNodesDataFolder() throws Exception {
    ClusterRig r = rig(ClusterSettings.defaults()
        .withExtraConfig("retention: { finishedFor: 3s, deadFor: 3s, pruneEvery: 1s }\n"));
    r.startAll().awaitBeating(START);
    r.offer("p", 0, 60);

    await().atMost(STALL.multipliedBy(2)).until(() -> identities(r) == 60);
    assertThat(recorded(r)).as("every item pruned to its identity record").isZero();
    Map<String, Long> ran = r.audit().finishedByNode();
    System.out.println("finished runs per node: " + ran);
    assertThat(ran).as("more than one node ran items, so some were pruned by a node that did not run them")
        .hasSizeGreaterThan(1);
    for (ClusterNode n : r.nodes()) {
      await().atMost(STALL).untilAsserted(() -> assertThat(filesIn(n.dataDir().resolve("results")))
          .as("result files on %s", n.name()).isEmpty());
      assertThat(filesIn(n.dataDir().resolve("work").resolve(ClusterRig.SOURCE))).as("work files on %s", n.name())
          .isEmpty();
    }
  }

  private static long identities(ClusterRig r) {
    try (LedgerView v = r.view()) {
      return v.identitiesFinishedBefore(java.time.Instant.now().plus(Duration.ofDays(1)));
    }
  }

  /** The regular files under {@code dir} (none when it does not exist). */
  private static List<Path> filesIn(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void theDashboardOfAnyNodeShowsTheNodesWhoPollsTheSourceAndWhereEachItemRuns() throws Exception {
    Path gate = dir.resolve("gate");
    ClusterRig r = rig(ClusterSettings.defaults().withNodes(2).withConcurrency(2)
        .withHandlerBody("while [ ! -f '" + gate + "' ]; do sleep 0.1; done"));
    r.startAll().awaitBeating(START);
    r.offer("w", 0, 4);
    await("two items running on each node").atMost(STALL)
        .until(() -> runningOn(r, "n1").size() == 2 && runningOn(r, "n2").size() == 2);
    awaitLogged(() -> assertThat(nodesThatRecorded(r)).as("one node polls the source").hasSize(1));
    String poller = nodesThatRecorded(r).get(0).name();

    int port = DashboardIT.freePort();
    try (WorkerProcess web = DashboardIT.startWeb(r.node("n2").config(), port)) {
      JsonNode board = board(port);
      assertThat(board.path("sharedLedger").asBoolean()).isTrue();
      assertThat(board.path("nodes").findValuesAsText("node")).containsExactly("n1", "n2");
      for (JsonNode n : board.path("nodes")) {
        assertThat(n.path("alive").asBoolean()).as("%s alive", n.path("node").asText()).isTrue();
        assertThat(n.path("running").asLong()).as("what %s runs", n.path("node").asText()).isEqualTo(2);
      }
      assertThat(board.path("sources").path(0).path("poller").path("node").asText()).isEqualTo(poller);
      List<String> runningOn = new ArrayList<>();
      board.path("running").forEach(item -> runningOn.add(item.path("node").asText()));
      assertThat(runningOn).containsExactlyInAnyOrder("n1", "n1", "n2", "n2");

      if (Browser.installed()) {
        try (Browser browser = Browser.start(dir.resolve("chromium-profile"), 1360, 1200)) {
          ChromeDriver d = browser.driver();
          d.get("http://127.0.0.1:" + port + "/");
          await("the nodes, the poller and the running items' nodes on the page").atMost(Duration.ofSeconds(30))
              .ignoreExceptions().until(() -> d.findElement(By.id("nodes-box")).isDisplayed()
                  && d.findElements(By.cssSelector("#nodes-table tr.node")).size() == 2
                  && d.findElements(By.cssSelector("#running .running-item .node")).size() == 4);
          for (String node : List.of("n1", "n2")) {
            WebElement row = d.findElement(By.cssSelector("#nodes-table tr.node[data-node='" + node + "']"));
            assertThat(row.getText()).contains(node).contains("ALIVE"); // the state column is set in capitals
          }
          assertThat(d.findElement(By.cssSelector(".source[data-source='" + ClusterRig.SOURCE + "'] .poller")).getText())
              .startsWith("polled by " + poller + " since ");
          assertThat(d.findElements(By.cssSelector("#running .running-item .node")).stream().map(WebElement::getText))
              .containsExactlyInAnyOrder("n1", "n1", "n2", "n2");
          browser.screenshot("dashboard-cluster");

          // The database gone: the box stays and says why, rather than vanishing in the incident.
          PG.server().stop();
          await("the page says the ledger cannot be read").atMost(Duration.ofSeconds(30)).ignoreExceptions()
              .until(() -> d.findElement(By.id("nodes")).getText().contains("the ledger cannot be read"));
          assertThat(d.findElement(By.id("nodes-box")).isDisplayed()).isTrue();
          JsonNode down = board(port);
          assertThat(down.path("sharedLedger").asBoolean()).isTrue();
          assertThat(down.path("nodes").isNull()).as("no nodes to show, rather than none").isTrue();
          assertThat(down.path("errors").has("nodes")).isTrue();
          PG.server().startAgain();
          await("the nodes back on the page").atMost(Duration.ofSeconds(30)).ignoreExceptions()
              .until(() -> d.findElements(By.cssSelector("#nodes-table tr.node")).size() == 2);
        }
      } else {
        System.out.println("no " + Browser.CHROMIUM + ": the page itself was not looked at");
      }
    }
    Files.writeString(gate, "go");
    r.awaitSucceeded(4, STALL);
  }

  /** {@code GET /api/board} of the dashboard listening on loopback at {@code port}. */
  private static JsonNode board(int port) throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/api/board")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return StatusFiles.mapper().readTree(answer.body());
  }

  private static void assertEachSucceededOnceInTheLedger(ClusterRig r, List<String> ids) {
    try (LedgerView v = r.view()) {
      assertThat(v.counts(ClusterRig.SOURCE)).containsEntry(ItemState.SUCCEEDED, (long) ids.size())
          .containsEntry(ItemState.RUNNING, 0L).containsEntry(ItemState.PENDING, 0L).containsEntry(ItemState.DEAD, 0L);
      for (String id : ids) {
        List<ItemRecord> versions = v.versions(ClusterRig.SOURCE, id);
        assertThat(versions).as("versions of %s", id).hasSize(1);
        ItemRecord item = versions.get(0);
        assertThat(item.state()).as("%s", id).isEqualTo(ItemState.SUCCEEDED);
        assertThat(item.attempts()).as("attempts of %s", id).isEqualTo(1);
        assertThat(v.transitionsTo(item.seq(), ItemState.SUCCEEDED)).as("successes of %s", id).isEqualTo(1);
      }
    }
  }

  /** The ids the ledger has running as {@code node}'s attempts. */
  private static Set<String> runningOn(ClusterRig r, String node) {
    try (LedgerView v = r.view()) {
      return v.running().stream().filter(i -> i.node().equals(node)).map(RunningItem::item).map(ItemRecord::id)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static long recorded(ClusterRig r) {
    try (LedgerView v = r.view()) {
      return v.counts(ClusterRig.SOURCE).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The nodes whose polls recorded new items ({@code poll_found}): the source's pollers so far. */
  private static List<ClusterNode> nodesThatRecorded(ClusterRig r) throws Exception {
    List<ClusterNode> out = new ArrayList<>();
    for (ClusterNode n : r.nodes()) {
      if (n.sumOf("poll_found", "new") > 0) {
        out.add(n);
      }
    }
    return out;
  }

  /** How many new items each node's polls recorded so far, by node name. */
  private static Map<String, Long> newItemsByNode(ClusterRig r) throws Exception {
    Map<String, Long> m = new TreeMap<>();
    for (ClusterNode n : r.nodes()) {
      m.put(n.name(), n.sumOf("poll_found", "new"));
    }
    return m;
  }
}
