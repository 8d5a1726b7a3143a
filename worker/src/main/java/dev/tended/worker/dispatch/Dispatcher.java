package dev.tended.worker.dispatch;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.RunningItem;
import dev.tended.ledger.ItemLedger;
import dev.tended.logging.Kv;
import dev.tended.status.BreakerStatus;
import dev.tended.status.RecordingFault;
import dev.tended.worker.handler.HandlerResult;
import dev.tended.worker.control.OperatorControls;
import dev.tended.worker.handler.HandlerStarter;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.heartbeat.SourceHold;
import dev.tended.worker.results.ResultWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds due items to handlers: one thread ({@code dispatch}) that, every cycle or when nudged, takes
 * finished attempts into account, asks each source's circuit breaker how many attempts may start,
 * claims that many due items from the ledger in first-seen order (marking them running, durably) and
 * hands them to the source's bounded handler pool. Each cycle is reported to the {@link ProgressBoard},
 * so a wedged dispatcher stops the heartbeat. While something may be due (a source to look at again,
 * a breaker that is not closed) a cycle runs at least every {@link #CYCLE}; when every source is idle
 * it waits until the earliest next look at a ledger, at most {@link #SAFETY_CHECK}, and so registers
 * with the board with that longer period.
 *
 * <p>An operator's pause ({@link #pause}) takes a source's lane out of the claims from the next cycle
 * on, handing its running attempts back unless it drains; a cancel stops one item's handler.
 *
 * <p>The dispatch thread owns the lanes' counters, pauses, breakers and recording troubles; handler threads
 * talk to it only by posting {@link Completion}s and {@link RecordFailing}s to its inbox. Breaker
 * states and recording errors are published as immutable values, written by the dispatch thread only.
 *
 * <p>A cycle that throws is logged ({@code dispatch_failed}) and the next one runs as usual. An
 * {@link Error} (out of memory, a class that cannot load) ends the dispatch thread instead, logged as
 * {@code dispatch_died}: its cycle is left open on the progress board, so the heartbeat stops and the
 * supervisor replaces the worker, rather than a dispatcher that may no longer work carrying on.
 */
public final class Dispatcher implements OperatorControls {
  /** The name under which the dispatcher reports its cycles. */
  public static final String PART = "dispatch";
  static final Duration CYCLE = Duration.ofMillis(500);
  /**
   * How often an idle source's ledger is looked at without a reason: picks up work no nudge
   * announced (an operator's {@code tended retry} from another process).
   */
  static final Duration SAFETY_CHECK = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final ItemLedger ledger;
  private final Clock clock;
  private final ProgressBoard progress;
  private final AttemptRunner attempts;
  private final Map<String, SourceLane> lanes = new LinkedHashMap<>();
  private final Map<String, BreakerStatus> breakers = new ConcurrentHashMap<>();
  private final Map<String, RecordingFault> recordErrors = new ConcurrentHashMap<>();
  private final Map<String, SourceHold> holds = new ConcurrentHashMap<>();
  private final BlockingQueue<DispatchMessage> inbox = new LinkedBlockingQueue<>();
  private final AtomicReference<ActiveHandlers.Leaving> leaving = new AtomicReference<>(ActiveHandlers.Leaving.NO);
  /**
   * Threads for attempts an earlier worker started: one per adopted handler, whatever its source's
   * concurrency now, so that each is watched from the start (its timeout, its output); they count
   * against their source's concurrency all the same.
   */
  private final ExecutorService adoptedPool;
  private final TendedConfig config;
  private final DoubleSupplier random;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Thread thread;
  /** How long an idle source waits before its ledger is looked at again without a reason. */
  private final Duration safetyCheck;

  public Dispatcher(TendedConfig config, ItemLedger ledger, HandlerStarter runner, ResultWriter results,
      ProgressBoard progress, Clock clock, DoubleSupplier random) {
    this(config, ledger, runner, results, progress, clock, random, SAFETY_CHECK);
  }

  /** As above with another {@link #SAFETY_CHECK}: the longest wait between two cycles (tests make it long). */
  Dispatcher(TendedConfig config, ItemLedger ledger, HandlerStarter runner, ResultWriter results,
      ProgressBoard progress, Clock clock, DoubleSupplier random, Duration safetyCheck) {
    this.ledger = ledger;
    this.clock = clock;
    this.progress = progress;
    this.safetyCheck = safetyCheck;
    this.config = config;
    this.random = random;
    this.attempts = new AttemptRunner(config, ledger, runner, results, clock, leaving::get, progress);
    AtomicInteger adoptedThreads = new AtomicInteger();
    this.adoptedPool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "handler-adopted-" + adoptedThreads.incrementAndGet());
      t.setDaemon(false);
      return t;
    });
    for (SourceConfig s : config.sources()) {
      lanes.put(s.name(), new SourceLane(s, new Backoff(s.retry(), random), new CircuitBreaker(s.breaker(), clock)));
      breakers.put(s.name(), BreakerStatus.CLOSED);
      holds.put(s.name(), SourceHold.NONE);
    }
    this.thread = new Thread(this::loop, "dispatch");
  }

  /** Starts the dispatch thread. */
  public void start() {
    progress.register(PART, safetyCheck);
    thread.start();
  }

  /** How many running items of each kind a starting worker found. */
  public record AdoptionSummary(int adopted, int collected, int interrupted, int handedBack) {}

  /**
   * Takes over what an earlier worker left running ({@code running}, from the ledger): a handler still
   * running is adopted and watched to its outcome on its own thread, counting against its source's
   * concurrency (a source no longer configured still gets it finished and recorded, with the settings
   * it was started with); one that ended while no worker watched is collected from its recorded exit
   * status; one that died with its worker, or ran in an earlier boot, is interrupted (no attempt
   * counted); an item whose handler never started goes back to pending. Call once, before {@link
   * #start}, from the thread that then starts the dispatcher. Each outcome is recorded as a started
   * attempt's is (result file, ledger, events).
   *
   * @param finder finds the processes of an attempt by its marker, for items whose handler was not recorded
   * @param bootId this boot's id
   */
  public AdoptionSummary adopt(List<RunningItem> running, HandlerFinder finder, String bootId)
      throws InterruptedException {
    return adopt(running, finder, bootId, Adoption.Liveness.PROC);
  }

  /** As above, with another way of telling whether a recorded process still runs (tests fake processes). */
  AdoptionSummary adopt(List<RunningItem> running, HandlerFinder finder, String bootId, Adoption.Liveness liveness)
      throws InterruptedException {
    Map<String, SourceConfig> configured = new LinkedHashMap<>();
    lanes.forEach((name, lane) -> configured.put(name, lane.source));
    HandlerRequests requests = new HandlerRequests(config);
    Adoption adoption = new Adoption(configured, requests::spec, finder, liveness, () -> bootId);
    int[] counts = new int[4];
    for (RunningItem r : running) {
      try {
        counts[adoptOne(adoption.plan(r))]++;
      } catch (RuntimeException e) {
        ItemEvents.crashed(r.item(), r.item().attempts(), e); // it stays running: the next start looks again
      }
    }
    AdoptionSummary summary = new AdoptionSummary(counts[ADOPTED], counts[COLLECTED], counts[INTERRUPTED],
        counts[HANDED_BACK]);
    AdoptionEvents.summary(summary);
    return summary;
  }

  /**
   * How long a starting worker waits to learn how a handler found gone ended (its exit status read,
   * or none), for the summary; it is recorded either way.
   */
  private static final Duration GONE_DECIDED_WITHIN = Duration.ofSeconds(5);
  private static final int ADOPTED = 0;
  private static final int COLLECTED = 1;
  private static final int INTERRUPTED = 2;
  private static final int HANDED_BACK = 3;

  /** Acts on one plan; returns which count of the summary it adds to. */
  private int adoptOne(Adoption.Plan plan) throws InterruptedException {
    ItemRecord item = plan.item();
    switch (plan.kind()) {
      case NEVER_STARTED -> {
        AdoptionEvents.neverStarted(item);
        attempts.neverStarted(item);
        return HANDED_BACK;
      }
      case OTHER_BOOT -> {
        String detail = "its handler ran in an earlier boot (" + plan.handler().orElseThrow().bootId() + ")";
        AdoptionEvents.lost(item, detail);
        attempts.interruptedBeforeBoot(item, plan.spec().maxInterruptions(), detail);
        return INTERRUPTED;
      }
      default -> { }
    }
    HandlerRecord record = plan.handler().orElseThrow();
    if (plan.found()) {
      recordFound(item, record);
    }
    AttemptRunner.Adopted taken = attempts.adopt(item, plan.spec(), record);
    SourceLane lane = lanes.get(item.source());
    if (lane != null) {
      lane.running++;
    }
    Backoff backoff = new Backoff(plan.spec().retry(), random);
    CompletableFuture<HandlerResult> decided = new CompletableFuture<>();
    adoptedPool.execute(() -> runAdoptedAttempt(taken, backoff, decided));
    if (plan.kind() == Adoption.Kind.ADOPT) {
      AdoptionEvents.adopted(item, record);
      return ADOPTED;
    }
    // Its handler is gone: its end is decided already (an exit status recorded, or none), read at once.
    HandlerResult result;
    try {
      result = decided.get(GONE_DECIDED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      AdoptionEvents.collected(item, record, null);
      return COLLECTED;
    }
    if (result.ending() == HandlerResult.Ending.INTERRUPTED) {
      AdoptionEvents.lost(item, result.detail());
      return INTERRUPTED;
    }
    AdoptionEvents.collected(item, record, result);
    return COLLECTED;
  }

  /** Records processes found by their marker, so that the next worker need not look for them again. */
  private void recordFound(ItemRecord item, HandlerRecord record) {
    try {
      ledger.handlerStarted(record);
    } catch (RuntimeException e) {
      ItemEvents.handlerNotRecorded(item, record.attempt(), e);
    }
  }

  /**
   * As {@link #runAttempt}, for an adopted attempt: its completion is always posted. Its result is
   * passed to {@code decided} as soon as it is known, before it is recorded.
   */
  private void runAdoptedAttempt(AttemptRunner.Adopted taken, Backoff backoff, CompletableFuture<HandlerResult> decided) {
    ItemRecord item = taken.item();
    try {
      decided.complete(taken.handler().awaitResult());
    } catch (InterruptedException | RuntimeException e) {
      decided.completeExceptionally(e); // runAdopted below meets it again and deals with it
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    String source = item.source();
    AttemptRunner.Ended ended = AttemptRunner.Ended.NEUTRAL;
    try {
      ended = attempts.runAdopted(taken, backoff,
          why -> inbox.offer(new RecordFailing(source, item.seq(), why, clock.instant())));
    } catch (RuntimeException | Error e) {
      ItemEvents.crashed(item, item.attempts(), e);
    } finally {
      inbox.offer(new Completion(source, item.seq(), ended.kind(), false, ended.unrecorded()));
      attempts.outcomePosted(item);
    }
  }

  /** Asks for a cycle now (new items were recorded). */
  @Override
  public void nudge() {
    inbox.offer(DispatchMessage.Nudge.NOW);
  }

  /**
   * Pauses {@code source} from the next cycle on (nothing of it is claimed); with {@code drain} its
   * running handlers finish, without it they are stopped and their items handed back (no attempt
   * counted). The ledger keeps the pause; this is the dispatcher's side. Any thread; before {@link
   * #start} too, then it holds from the first cycle.
   */
  @Override
  public void pause(String source, boolean drain, String askedBy) {
    inbox.offer(new LaneHold(source, true, drain, askedBy));
  }

  /** Starts {@code source}'s items again from the next cycle on. Any thread. */
  @Override
  public void resume(String source) {
    inbox.offer(new LaneHold(source, false, false, ""));
  }

  /**
   * An operator's cancel: stops the running handler of {@code source/id} (TERM, kill grace, KILL),
   * after which the item ends dead, ending {@code cancelled}; empty when none of it runs here. Any
   * thread.
   */
  @Override
  public Optional<ItemRecord> cancelRunning(String source, String id, String askedBy) {
    return attempts.cancelRunning(source, id, askedBy);
  }

  /**
   * An operator's cancel of a waiting item: dead at once (result file, {@code item_dead}), no attempt
   * counted; empty when no version of it is pending or failed. Any thread: the ledger's transaction
   * only takes an item that is not claimed.
   */
  @Override
  public Optional<ItemRecord> cancelWaiting(String source, String id, String askedBy) {
    return attempts.cancelWaiting(source, id, askedBy);
  }

  /**
   * Another node took these attempts over while this one did not renew its leases: their handlers
   * stop, nothing of them is recorded. Safe from any thread.
   */
  public void leaseLost(java.util.Set<Long> seqs) {
    attempts.stopLost(seqs).forEach(item -> log.warn("item_lease_lost source={} id={} seq={} attempt={}"
        + " action=stopping_handler note=\"another node took it over; its outcome is that node's\"", item.source(),
        dev.tended.logging.Kv.q(item.id()), item.seq(), item.attempts()));
  }

  /** Each source's pause as last published. */
  public Map<String, SourceHold> holds() {
    return Map.copyOf(holds);
  }

  /** Each source's breaker as last published. */
  public Map<String, BreakerStatus> breakers() {
    return Map.copyOf(breakers);
  }

  /**
   * Per source, why an outcome could not be recorded (disk full, permissions) while that lasts for
   * some attempt: since when, and the latest trouble of the attempts still failing to record.
   */
  public Map<String, RecordingFault> recordErrors() {
    return Map.copyOf(recordErrors);
  }

  private void loop() {
    long waitNanos = CYCLE.toNanos();
    while (!stopped.get()) {
      DispatchMessage first;
      try {
        first = inbox.poll(waitNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        if (stopped.get()) {
          return;
        }
        continue;
      }
      progress.started(PART);
      try {
        cycle(first);
      } catch (Throwable e) {
        if (e instanceof Error) {
          log.error("dispatch_died error={} note=\"no more items start; the heartbeat stops, so the worker is"
              + " replaced\"", Kv.q(e.toString()), e);
          return;
        }
        log.error("dispatch_failed error={}", Kv.q(e.toString()), e);
      }
      progress.completed(PART);
      waitNanos = nextWaitNanos(System.nanoTime());
    }
  }

  private void cycle(DispatchMessage first) {
    absorb(first);
    for (DispatchMessage m; (m = inbox.poll()) != null; ) {
      absorb(m);
    }
    if (leaving.get() != ActiveHandlers.Leaving.NO) {
      return;
    }
    long now = System.nanoTime();
    for (SourceLane lane : lanes.values()) {
      int admitted = lane.breaker.admit(lane.free());
      if (admitted > 0 && (lane.checkNow || now - lane.nextCheckNanos >= 0)) {
        List<ItemRecord> claimed = ledger.claimDue(lane.source.name(), admitted);
        lane.checkNow = claimed.size() == admitted;
        if (!lane.checkNow) {
          lane.nextCheckNanos = now + untilNextCheck(lane.source.name()).toNanos();
        }
        boolean trial = lane.breaker.started(claimed.size());
        for (ItemRecord item : claimed) {
          try {
            lane.pool.execute(() -> runAttempt(lane, item, trial));
            lane.running++;
          } catch (RejectedExecutionException stopping) {
            ledger.handBack(item.seq(), "worker stopping");
          }
        }
      }
      breakers.put(lane.source.name(), lane.breaker.status());
      holds.put(lane.source.name(), lane.hold());
    }
  }

  /**
   * How long to wait for a message before the next cycle: {@link #CYCLE} while a source is to be
   * looked at again or its breaker is not closed; a source whose handlers are all busy waits for a
   * completion (a message); otherwise until the earliest next look at a ledger, at most
   * the safety check.
   */
  private long nextWaitNanos(long now) {
    long wait = safetyCheck.toNanos();
    for (SourceLane lane : lanes.values()) {
      if (lane.breaker.state() != CircuitBreaker.State.CLOSED || (lane.checkNow && lane.free() > 0)) {
        wait = Math.min(wait, CYCLE.toNanos());
      } else if (lane.free() > 0) {
        wait = Math.min(wait, Math.max(0, lane.nextCheckNanos - now));
      }
    }
    return wait;
  }

  /** The wait until the source's next failed item is due, at most the safety check. */
  private Duration untilNextCheck(String source) {
    return ledger.nextRetryAt(source)
        .map(at -> Duration.between(clock.instant(), at))
        .filter(d -> d.compareTo(safetyCheck) < 0)
        .map(d -> d.isNegative() ? Duration.ZERO : d)
        .orElse(safetyCheck);
  }

  /**
   * The handler-thread task: whatever happens, its completion is posted, so the lane's count of
   * running attempts comes down and the source keeps moving. {@link AttemptRunner#run} records every
   * outcome of the item itself; what escapes it (an error while recording) leaves the item running,
   * for the next start to adopt or interrupt, and is logged here. Troubles recording the outcome are
   * posted as they happen.
   */
  private void runAttempt(SourceLane lane, ItemRecord item, boolean trial) {
    String source = lane.source.name();
    AttemptRunner.Ended ended = AttemptRunner.Ended.NEUTRAL;
    try {
      ended = attempts.run(lane.source, lane.backoff, item, why -> inbox.offer(new RecordFailing(source, item.seq(), why, clock.instant())));
    } catch (RuntimeException | Error e) {
      ItemEvents.crashed(item, item.attempts(), e);
    } finally {
      inbox.offer(new Completion(source, item.seq(), ended.kind(), trial, ended.unrecorded()));
      attempts.outcomePosted(item);
    }
  }

  private void absorb(DispatchMessage message) {
    if (message == DispatchMessage.Nudge.NOW) {
      lanes.values().forEach(l -> l.checkNow = true);
    } else if (message instanceof LaneHold h) {
      hold(h);
    } else if (message instanceof RecordFailing f) {
      SourceLane lane = lanes.get(f.source());
      if (lane == null) {
        return; // an adopted attempt of a source no longer configured: its events say it, no status shows it
      }
      lane.recordFailing(f.seq(), f.why(), f.at());
      publishRecordError(lane);
    } else if (message instanceof Completion c) {
      absorbCompletion(c);
    }
  }

  private void hold(LaneHold h) {
    SourceLane lane = lanes.get(h.source());
    if (lane == null) {
      return; // a pause of a source no longer configured: the ledger keeps it, nothing runs of it here
    }
    lane.paused = h.paused();
    lane.drain = h.drain();
    lane.checkNow = true;
    if (h.paused() && !h.drain()) {
      List<ItemRecord> stopping = attempts.handBackSource(h.source(), h.askedBy());
      if (!stopping.isEmpty()) {
        log.info("handlers_handing_back source={} running={} reason=paused", h.source(), stopping.size());
      }
    }
    holds.put(h.source(), lane.hold());
  }

  private void absorbCompletion(Completion c) {
    SourceLane lane = lanes.get(c.source());
    if (lane == null) {
      return; // an adopted attempt of a source no longer configured
    }
    lane.running--;
    lane.checkNow = true;
    if (!c.unrecorded()) {
      lane.recorded(c.seq());
      publishRecordError(lane);
    }
    switch (c.kind()) {
      case HANDLER_SUCCEEDED -> {
        if (lane.breaker.recordSuccess(c.trial())) {
          log.info("breaker_closed source={}", c.source());
        }
      }
      case HANDLER_FAILED -> {
        if (lane.breaker.recordFailure(c.trial())) {
          BreakerStatus s = lane.breaker.status();
          log.warn("breaker_opened source={} consecutive_failures={} open_until={}",
              c.source(), s.consecutiveFailures(), s.openUntil());
        }
      }
      default -> lane.breaker.recordNeutral(c.trial());
    }
    breakers.put(c.source(), lane.breaker.status());
  }

  private void publishRecordError(SourceLane lane) {
    lane.recordError().ifPresentOrElse(why -> recordErrors.put(lane.source.name(), why),
        () -> recordErrors.remove(lane.source.name()));
  }

  /**
   * Stops starting attempts, lets running ones finish for half of {@code grace}, then cancels the
   * rest (their items go back to pending) and waits for the other half. Idempotent.
   */
  public void stop(Duration grace) {
    if (!leaving.compareAndSet(ActiveHandlers.Leaving.NO, ActiveHandlers.Leaving.STOP)) {
      return;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    shutdownPools();
    if (!awaitPools(System.nanoTime() + grace.toNanos() / 2)) {
      log.info("handlers_cancelling running={}", attempts.activeCount());
      attempts.cancelAll();
      if (!awaitPools(deadline)) {
        log.warn("handlers_abandoned running={} note=\"their items stay running and are adopted or interrupted at next start\"",
            attempts.activeCount());
        shutdownPoolsNow();
      }
    }
    endThread();
  }

  /**
   * A hand-over: stops claiming, lets go of every running handler without stopping it (each keeps
   * running under its waiter, its item stays {@code running} in the ledger for the next worker to
   * adopt), hands back claimed items whose handler had not started yet, and waits up to {@code grace}
   * for the handler threads to be done. Idempotent, and nothing once {@link #stop} began.
   */
  public void handOver(Duration grace) {
    if (!leaving.compareAndSet(ActiveHandlers.Leaving.NO, ActiveHandlers.Leaving.HAND_OVER)) {
      return;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    shutdownPools();
    attempts.detachAll();
    if (!awaitPools(deadline)) {
      log.warn("handlers_abandoned running={} note=\"their items stay running and are adopted at next start\"",
          attempts.activeCount());
      shutdownPoolsNow();
    }
    endThread();
  }

  private void shutdownPools() {
    lanes.values().forEach(l -> l.pool.shutdown());
    adoptedPool.shutdown();
  }

  private void shutdownPoolsNow() {
    lanes.values().forEach(l -> l.pool.shutdownNow());
    adoptedPool.shutdownNow();
  }

  private void endThread() {
    stopped.set(true);
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean awaitPools(long deadlineNanos) {
    try {
      List<ExecutorService> pools = new ArrayList<>();
      lanes.values().forEach(l -> pools.add(l.pool));
      pools.add(adoptedPool);
      for (ExecutorService pool : pools) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0 || !pool.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
