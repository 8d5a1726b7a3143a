package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.RunningItem;
import dev.tended.testkit.TestConfig;
import dev.tended.worker.handler.CommandRunner;
import dev.tended.worker.handler.HandlerProcesses;
import dev.tended.worker.handler.HandlerRequest;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.handler.RunningHandler;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.results.ResultWriter;
import dev.tended.ledger.SqliteLedgerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a starting worker does with what its predecessor left running, and what a hand-over leaves:
 * the dispatcher with a real ledger file and result files, and fake handlers whose processes and
 * endings the test decides (the real processes are the ITs').
 */
class DispatcherAdoptionTest {
  private static final String BOOT = "this-boot";

  @TempDir Path dir;
  private ItemLedger ledger;
  private LedgerView view;
  private Dispatcher dispatcher;
  private final FakeHandlers handlers = new FakeHandlers();

  @AfterEach
  void stop() {
    handlers.releaseAll();
    if (dispatcher != null) {
      dispatcher.stop(Duration.ofSeconds(2));
    }
    if (view != null) {
      view.close();
    }
    if (ledger != null) {
      ledger.close();
    }
  }

  /** A handler the test ends: {@link #end} decides its result; detach and cancel end it as the real ones do. */
  static final class FakeHandler implements RunningHandler {
    final HandlerRequest request;
    final HandlerProcesses processes;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile HandlerResult result;
    final AtomicBoolean detached = new AtomicBoolean();

    FakeHandler(HandlerRequest request, HandlerProcesses processes) {
      this.request = request;
      this.processes = processes;
    }

    void end(HandlerResult.Ending ending, int exitCode) {
      if (result == null) {
        result = new HandlerResult(ending, exitCode, processes.startedAt(), Instant.now(), "", "", "fake " + ending);
      }
      ended.countDown();
    }

    @Override
    public long pid() {
      return processes.handlerPid();
    }

    @Override
    public HandlerResult awaitResult() throws InterruptedException {
      ended.await();
      return result;
    }

    @Override
    public void cancel() {
      end(HandlerResult.Ending.CANCELLED, -1);
    }

    @Override
    public Optional<HandlerProcesses> processes() {
      return Optional.of(processes);
    }

    @Override
    public void detach() {
      detached.set(true);
      end(HandlerResult.Ending.DETACHED, -1);
    }
  }

  /** Hands out {@link FakeHandler}s, started ones by item id, adopted ones by item seq. */
  static final class FakeHandlers implements HandlerStarter {
    final Map<String, FakeHandler> started = new ConcurrentHashMap<>();
    final Map<Long, FakeHandler> adopted = new ConcurrentHashMap<>();
    final List<HandlerRecord> adoptedRecords = new CopyOnWriteArrayList<>();
    /** What an adopted handler of these seqs ends with at once (a handler gone while no worker ran). */
    final Map<Long, HandlerResult.Ending> goneAs = new ConcurrentHashMap<>();

    @Override
    public RunningHandler start(HandlerRequest request) {
      FakeHandler h = new FakeHandler(request, new HandlerProcesses(900, 9000, 901, 9001, BOOT, Instant.now()));
      started.put(request.environment().get("TENDED_ITEM_ID"), h);
      return h;
    }

    @Override
    public RunningHandler adopt(HandlerRequest request, HandlerRecord recorded) {
      FakeHandler h = new FakeHandler(request, new HandlerProcesses(recorded.waiterPid(), recorded.waiterStartTicks(),
          recorded.handlerPid(), recorded.handlerStartTicks(), recorded.bootId(), recorded.startedAt()));
      adoptedRecords.add(recorded);
      adopted.put(recorded.seq(), h);
      HandlerResult.Ending gone = goneAs.get(recorded.seq());
      if (gone != null) {
        h.end(gone, gone == HandlerResult.Ending.EXITED ? 0 : -1);
      }
      return h;
    }

    void releaseAll() {
      started.values().forEach(h -> h.end(HandlerResult.Ending.EXITED, 0));
      adopted.values().forEach(h -> h.end(HandlerResult.Ending.EXITED, 0));
    }
  }

  private TendedConfig config(String sources) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handler.sh", "exit 0");
    for (String s : sources.split(",")) {
      String[] nameAndConcurrency = s.split(":");
      c.source(TestConfig.jsonQueue(nameAndConcurrency[0], nameAndConcurrency[0] + ".json", handler,
          "    concurrency: " + nameAndConcurrency[1] + "\n"));
    }
    c.write();
    TendedConfig config = ConfigLoader.load(c.file());
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    view = SqliteLedgerStore.at(config.ledgerFile()).openView();
    return config;
  }

  private Dispatcher dispatcher(TendedConfig config) {
    dispatcher = new Dispatcher(config, ledger, handlers, new ResultWriter(config.resultsDir()),
        new ProgressBoard(System::nanoTime), Clock.systemUTC(), () -> 0.5);
    return dispatcher;
  }

  /** Claims {@code id} of {@code source} as a dead worker did, and records its handler (alive or not, as the test says). */
  private ItemRecord leftRunning(String source, String id, AttemptSpec spec, String boot) {
    ledger.recordSeen(source, List.of(new NewItem(id, "hash-" + id + "-0123456789", "{\"id\":\"" + id + "\"}")));
    ItemRecord claimed = ledger.claimDue(source, 1).get(0);
    if (spec != null) {
      ledger.handlerStarted(new HandlerRecord(claimed.seq(), claimed.attempts(), claimed.attemptToken(), boot,
          500 + claimed.seq(), 5000, 600 + claimed.seq(), 6000, Instant.now().minusSeconds(3), spec.toJson()));
    }
    return claimed;
  }

  private static AttemptSpec spec(int maxAttempts, long timeoutMs) {
    return new AttemptSpec(List.of("/bin/true"), timeoutMs, 1000, 4096, 0, 0, 0, maxAttempts, 100, 1000, 3);
  }

  private ItemRecord now(String source, String id) {
    return view.versions(source, id).get(0);
  }

  /** Every recorded handler pid counts as running, none as gone: what the test's fake handlers need. */
  private static final Adoption.Liveness ALL_ALIVE = (pid, ticks) -> true;

  @Test
  void everyStartedHandlerIsRecordedInTheLedgerWithTheSettingsItWasStartedWith() throws Exception {
    TendedConfig config = config("ideas:1");
    ledger.recordSeen("ideas", List.of(new NewItem("s", "hash-s-0123456789", "{\"id\":\"s\"}")));
    dispatcher(config).start();

    await().atMost(Duration.ofSeconds(20)).until(() -> !view.running().isEmpty()
        && view.running().get(0).handler().isPresent());
    HandlerRecord recorded = view.running().get(0).handler().orElseThrow();
    FakeHandler started = handlers.started.get("s");
    assertThat(recorded.handlerPid()).isEqualTo(901);
    assertThat(recorded.waiterPid()).isEqualTo(900);
    assertThat(recorded.token()).isEqualTo(started.request.token()).isEqualTo(now("ideas", "s").attemptToken());
    assertThat(AttemptSpec.fromJson(recorded.spec()))
        .isEqualTo(AttemptSpec.of(config.sources().get(0), started.request.killGrace()));
  }

  @Test
  void theRealRunnerRecordsItsHandlersWaiterAndHandlerAsTheyRun() throws Exception {
    Path go = dir.resolve("go");
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handler.sh", "echo \"$$\" > '" + dir.resolve("pid") + "'\n"
        + "i=0; while [ ! -e '" + go + "' ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done\nexit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas.json", handler, "")).write();
    TendedConfig config = ConfigLoader.load(c.file());
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    view = SqliteLedgerStore.at(config.ledgerFile()).openView();
    ledger.recordSeen("ideas", List.of(new NewItem("r", "hash-r-0123456789", "{\"id\":\"r\"}")));
    dispatcher = new Dispatcher(config, ledger, new CommandRunner(), new ResultWriter(config.resultsDir()),
        new ProgressBoard(System::nanoTime), Clock.systemUTC(), () -> 0.5);
    dispatcher.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("pid"))
        && !Files.readString(dir.resolve("pid")).isBlank() && !view.running().isEmpty()
        && view.running().get(0).handler().isPresent());
    HandlerRecord recorded = view.running().get(0).handler().orElseThrow();
    assertThat(recorded.handlerPid()).isEqualTo(Long.parseLong(Files.readString(dir.resolve("pid")).trim()));
    assertThat(Adoption.Liveness.PROC.alive(recorded.handlerPid(), recorded.handlerStartTicks())).isTrue();
    assertThat(Adoption.Liveness.PROC.alive(recorded.waiterPid(), recorded.waiterStartTicks())).isTrue();
    assertThat(AttemptSpec.fromJson(recorded.spec()).timeoutMs()).isEqualTo(20_000);
    Files.createFile(go);
    await().atMost(Duration.ofSeconds(20)).until(() -> now("ideas", "r").state() == ItemState.SUCCEEDED);
    assertThat(view.running()).isEmpty();
  }

  @Test
  void anAdoptedAttemptCountsAgainstItsSourcesConcurrencyUntilItEnds() throws Exception {
    TendedConfig config = config("ideas:1");
    ItemRecord old = leftRunning("ideas", "old", spec(3, 30_000), BOOT);
    ledger.recordSeen("ideas", List.of(new NewItem("next", "hash-next-0123456789", "{\"id\":\"next\"}")));
    Dispatcher d = dispatcher(config);

    Dispatcher.AdoptionSummary summary = d.adopt(ledger.running(), HandlerFinder.NONE, BOOT, ALL_ALIVE);
    d.start();

    assertThat(summary).isEqualTo(new Dispatcher.AdoptionSummary(1, 0, 0, 0));
    await("nothing new starts while the adopted attempt holds the one slot").during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3)).until(() -> handlers.started.isEmpty());
    handlers.adopted.get(old.seq()).end(HandlerResult.Ending.EXITED, 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> now("ideas", "next").state() == ItemState.RUNNING
        || handlers.started.containsKey("next"));
    assertThat(now("ideas", "old").state()).isEqualTo(ItemState.SUCCEEDED);
    assertThat(now("ideas", "old").attempts()).isEqualTo(1);
    assertThat(view.attempts(old.seq())).extracting(a -> a.ending()).containsExactly(AttemptEnding.EXITED);
    assertThat(handlers.adoptedRecords).singleElement().satisfies(r -> assertThat(r.seq()).isEqualTo(old.seq()));
  }

  @Test
  void anAdoptedAttemptIsJudgedWithTheSettingsItWasStartedWithEvenWhenItsSourceIsGone() throws Exception {
    TendedConfig config = config("ideas:1");
    // Started under a source "old" with maxAttempts 1: today's configuration no longer has that source.
    ItemRecord retired = leftRunning("old", "r1", spec(1, 30_000), BOOT);
    Dispatcher d = dispatcher(config);

    d.adopt(ledger.running(), HandlerFinder.NONE, BOOT, ALL_ALIVE);
    d.start();
    FakeHandler adopted = handlers.adopted.get(retired.seq());
    assertThat(adopted.request.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(adopted.request.environment()).containsEntry("TENDED_SOURCE", "old").containsEntry("TENDED_ATTEMPT", "1");
    adopted.end(HandlerResult.Ending.EXITED, 1);

    await().atMost(Duration.ofSeconds(20)).until(() -> now("old", "r1").state() == ItemState.DEAD);
    assertThat(now("old", "r1").lastError()).contains("exit 1").contains("dead after 1 attempts");
    assertThat(config.resultsDir().resolve("old/r1.json")).exists();
  }

  @Test
  void aHandlerGoneWithItsExitStatusIsCollectedAndOneGoneWithoutItIsInterrupted() throws Exception {
    TendedConfig config = config("ideas:2");
    ItemRecord exited = leftRunning("ideas", "exited", spec(3, 30_000), BOOT);
    ItemRecord lost = leftRunning("ideas", "lost", spec(3, 30_000), BOOT);
    handlers.goneAs.put(exited.seq(), HandlerResult.Ending.EXITED);
    handlers.goneAs.put(lost.seq(), HandlerResult.Ending.INTERRUPTED);
    Dispatcher d = dispatcher(config);

    Dispatcher.AdoptionSummary summary = d.adopt(ledger.running(), HandlerFinder.NONE, BOOT, (pid, ticks) -> false);
    d.start();

    assertThat(summary).isEqualTo(new Dispatcher.AdoptionSummary(0, 1, 1, 0));
    await().atMost(Duration.ofSeconds(20)).until(() -> now("ideas", "exited").state() == ItemState.SUCCEEDED);
    await().atMost(Duration.ofSeconds(20)).until(() -> now("ideas", "lost").interruptions() == 1);
    assertThat(view.attempts(lost.seq())).extracting(a -> a.ending()).first().isEqualTo(AttemptEnding.INTERRUPTED);
  }

  @Test
  void anItemWhoseHandlerNeverStartedGoesBackToPendingAndOneOfAnEarlierBootIsInterrupted() throws Exception {
    TendedConfig config = config("ideas:1");
    ItemRecord never = leftRunning("ideas", "never", null, BOOT);
    ItemRecord before = leftRunning("ideas", "before", spec(3, 30_000), "an-earlier-boot");
    Dispatcher d = dispatcher(config);

    Dispatcher.AdoptionSummary summary = d.adopt(ledger.running(), HandlerFinder.NONE, BOOT, ALL_ALIVE);

    assertThat(summary).isEqualTo(new Dispatcher.AdoptionSummary(0, 0, 1, 1));
    assertThat(handlers.adoptedRecords).as("nothing of an earlier boot is touched").isEmpty();
    ItemRecord pending = now("ideas", "never");
    assertThat(pending.state()).isEqualTo(ItemState.PENDING);
    assertThat(pending.attempts()).isZero();
    ItemRecord interrupted = now("ideas", "before");
    assertThat(interrupted.state()).isEqualTo(ItemState.PENDING);
    assertThat(interrupted.attempts()).isZero();
    assertThat(interrupted.interruptions()).isEqualTo(1);
    assertThat(never.seq()).isNotEqualTo(before.seq());
  }

  @Test
  void processesFoundByTheirMarkerAreRecordedThenAdopted() throws Exception {
    TendedConfig config = config("ideas:1");
    ItemRecord unrecorded = leftRunning("ideas", "u", null, BOOT);
    HandlerProcesses found = new HandlerProcesses(700, 7000, 701, 7001, BOOT, Instant.now().minusSeconds(1));
    Dispatcher d = dispatcher(config);

    Dispatcher.AdoptionSummary summary = d.adopt(ledger.running(),
        token -> token.equals(unrecorded.attemptToken()) ? Optional.of(found) : Optional.empty(), BOOT, ALL_ALIVE);

    assertThat(summary.adopted()).isEqualTo(1);
    RunningItem running = view.running().get(0);
    assertThat(running.handler()).hasValueSatisfying(h -> {
      assertThat(h.handlerPid()).isEqualTo(701);
      assertThat(h.waiterPid()).isEqualTo(700);
      assertThat(AttemptSpec.fromJson(h.spec()).timeoutMs()).isEqualTo(20_000);
    });
  }

  @Test
  void aHandOverDetachesRunningHandlersAndLeavesTheirItemsRunning() throws Exception {
    TendedConfig config = config("ideas:2");
    ItemRecord adoptedItem = leftRunning("ideas", "a", spec(3, 30_000), BOOT);
    ledger.recordSeen("ideas", List.of(new NewItem("b", "hash-b-0123456789", "{\"id\":\"b\"}")));
    Dispatcher d = dispatcher(config);
    d.adopt(ledger.running(), HandlerFinder.NONE, BOOT, ALL_ALIVE);
    d.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> handlers.started.containsKey("b"));

    d.handOver(Duration.ofSeconds(5));

    assertThat(handlers.started.get("b").detached).isTrue();
    assertThat(handlers.adopted.get(adoptedItem.seq()).detached).isTrue();
    assertThat(view.running()).hasSize(2).allSatisfy(r -> assertThat(r.handler()).isPresent());
    assertThat(now("ideas", "a").attempts()).isEqualTo(1);
    assertThat(now("ideas", "b").attempts()).isEqualTo(1);
  }
}
