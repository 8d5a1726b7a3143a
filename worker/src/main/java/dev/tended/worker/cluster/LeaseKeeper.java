package dev.tended.worker.cluster;

import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.NodeBeat;
import dev.tended.ledger.TakenOver;
import dev.tended.logging.Kv;
import dev.tended.status.LedgerReach;
import dev.tended.worker.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part in a shared ledger, on its own thread ({@code leases}), every heartbeat interval:
 * renews the leases of the attempts this node runs and records its beat; stops the handlers of
 * attempts another node took over meanwhile (this node was frozen, or cut off from the database
 * past its lease); takes over the attempts of nodes that stopped renewing theirs, so that any
 * node runs them again; and follows the pauses and cancels operators applied through other nodes
 * ({@link SharedPauses}, {@link SharedCancels}).
 *
 * <p>A node takes over nothing until it has itself reached the database without a break for a whole
 * lease: after an outage every node's leases look expired, and the live nodes must get that long to
 * renew their own before anyone takes them. While the database cannot be reached the running
 * handlers go on; that is logged once ({@code ledger_unreachable}) and again when it is back.
 *
 * <p>Its state is owned by its thread; {@link #reach} is safe from any thread.
 */
public final class LeaseKeeper implements Managed {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final ItemLedger ledger;
  private final NodeBeat beat;
  private final Duration every;
  private final Duration lease;
  private final Map<String, Integer> maxInterruptions;
  private final Consumer<Set<Long>> lost;
  private final Runnable takenOver;
  private final SharedPauses pauses;
  private final SharedCancels cancels;
  private final LongSupplier nanos;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leases");
    t.setDaemon(true);
    return t;
  });
  private final Clock clock;
  private volatile LedgerReach reach;
  /** Since when (on {@link #nanos}) the database has answered every renewal. */
  private long answeringSince;

  /**
   * @param every how often to renew (the heartbeat interval)
   * @param lease how long an attempt stays a node's without a renewal
   * @param maxInterruptions each source's {@code retry.maxInterruptions}, for what is taken over
   * @param lost told the seqs of attempts another node took over from this one
   * @param takenOver told when attempts of other nodes went back to pending (to claim at once)
   * @param controls where the pauses and cancels of other nodes' operators are applied (the dispatcher)
   * @param pausedAtStart the pauses the worker applied when it started
   */
  public LeaseKeeper(ItemLedger ledger, NodeBeat beat, Duration every, Duration lease,
      Map<String, Integer> maxInterruptions, Consumer<Set<Long>> lost, Runnable takenOver,
      dev.tended.worker.control.OperatorControls controls, Map<String, dev.tended.ledger.SourcePause> pausedAtStart,
      Clock clock, LongSupplier nanos) {
    this.ledger = Objects.requireNonNull(ledger);
    this.beat = Objects.requireNonNull(beat);
    this.every = Objects.requireNonNull(every);
    this.lease = Objects.requireNonNull(lease);
    this.maxInterruptions = Map.copyOf(maxInterruptions);
    this.lost = Objects.requireNonNull(lost);
    this.takenOver = Objects.requireNonNull(takenOver);
    this.pauses = new SharedPauses(controls, maxInterruptions.keySet(), pausedAtStart);
    this.cancels = new SharedCancels(controls);
    this.nanos = Objects.requireNonNull(nanos);
    this.clock = Objects.requireNonNull(clock);
    this.reach = LedgerReach.reachableSince(clock.instant());
  }

  @Override
  public void start() {
    answeringSince = nanos.getAsLong();
    thread.scheduleWithFixedDelay(this::tick, 0, every.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Whether the last renewal reached the database, since when, and why not: for the status file. */
  public LedgerReach reach() {
    return reach;
  }

  /** One round; never throws, or the executor would silently stop renewing. */
  void tick() {
    try {
      Set<Long> gone = ledger.renewLeases(beat);
      if (!reach.reachable()) {
        reach = LedgerReach.reachableSince(clock.instant());
        answeringSince = nanos.getAsLong();
        log.info("ledger_reachable again=true note=\"recording resumes; taking over other nodes' attempts waits a lease\"");
      }
      if (!gone.isEmpty()) {
        lost.accept(gone);
      }
      pauses.follow(ledger.pauses());
      cancels.follow(ledger.cancelsAsked());
      if (nanos.getAsLong() - answeringSince >= lease.toNanos()) {
        List<TakenOver> taken = ledger.takeOverExpired(maxInterruptions);
        taken.forEach(t -> log.warn("lease_taken_over source={} id={} seq={} from_node={} state={}", t.item().source(),
            Kv.q(t.item().id()), t.item().seq(), Kv.q(t.fromNode()), t.item().state().wireName()));
        if (!taken.isEmpty()) {
          takenOver.run();
        }
      }
    } catch (RuntimeException e) {
      if (reach.reachable()) {
        reach = new LedgerReach(false, clock.instant(), String.valueOf(e.getMessage()));
        log.error("ledger_unreachable error={} action=keeping_running_handlers note=\"nothing new is recorded until"
            + " the database answers; leases not renewed within the lease go to other nodes\"", Kv.q(e.getMessage()));
      }
    }
  }

  @Override
  public void stop(Duration budget) throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(Math.max(1, budget.toMillis()), TimeUnit.MILLISECONDS);
  }
}
