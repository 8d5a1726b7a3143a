package dev.tended.worker.source;

import dev.tended.ledger.PollerOwners;
import dev.tended.ledger.PollerOwners.Holding;
import dev.tended.logging.Kv;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source ownership among the workers that share a PostgreSQL ledger, decided by Quartz's clustered
 * JDBC job store in that database. Each source is one durable Quartz job ({@link SourceHold}) with a
 * trigger that repeats every {@code idleWait}; the node whose Quartz runs the job holds the source,
 * and the run lasts until this node stops or loses it. Quartz runs one job at most once at a time in
 * the cluster, and restarts the run of a node that stopped checking in on a live node, so a source
 * moves when its holder dies; a clean stop ends the runs, and an idle node takes each source within
 * about {@code 2 × idleWait}.
 *
 * <p>What Quartz does not do, this class adds:
 * <ul>
 *   <li>A node that cannot check in (database unreachable) keeps running its jobs while the others
 *       declare it failed and start them again. A hold therefore polls only while this node's
 *       {@link CheckinLease} runs, which ends before any other node may declare it failed, and ends
 *       for good after a break in the check-ins: at most one node polls a source when the database
 *       comes back.</li>
 *   <li>A run that ends after its node was recovered elsewhere still frees the job's trigger, so
 *       Quartz may start a second run beside the recovered one. A hold starts polling only when its
 *       entry is the job's only running entry in Quartz's tables; otherwise it waits as a standby
 *       until it is, and it never displaces a holder that is polling.</li>
 * </ul>
 *
 * <p>Thread-safe: Quartz's job threads run the holds, the pollers' threads ask {@link #owns}; the
 * state is a concurrent map of the holds that poll, the lease, and the stop latch.
 */
final class ClusteredOwnership implements SourceOwnership {
  private static final Logger log = LoggerFactory.getLogger(ClusteredOwnership.class);
  private static final AtomicInteger DATA_SOURCES = new AtomicInteger();

  /** A hold that polls: which run of the job, and the lease's breaks when it began. */
  private record Hold(String entryId, long breaksAtStart, long sinceNanos) {}

  private final String node;
  private final Set<String> sources;
  private final ClusterTimings timings;
  private final DataSource database;
  private final CheckinLease lease;
  private final Map<String, Hold> owned = new ConcurrentHashMap<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile Scheduler scheduler;
  /** Quartz's and the holds' connections, from {@link #start} until Quartz has shut down. */
  private volatile LedgerConnections connections;

  /**
   * Quartz's own threads that take connections (the scheduler thread, the check-ins, the misfire
   * scans) and a spare for a job run's completion; each source's hold takes one more, briefly.
   */
  private static final int QUARTZ_CONNECTIONS = 4;

  /** @param database the ledger's database ({@code PostgresLedgerStore#dataSource}); pooled here */
  ClusteredOwnership(String node, Set<String> sources, ClusterTimings timings, DataSource database) {
    this.node = Objects.requireNonNull(node);
    this.sources = Set.copyOf(sources);
    this.timings = Objects.requireNonNull(timings);
    this.database = Objects.requireNonNull(database);
    this.lease = new CheckinLease(timings.lease(), System::nanoTime);
  }

  /**
   * Creates Quartz's tables if they are missing, adds each source's job if the cluster has none yet,
   * and starts this node's Quartz, which checks in before it returns.
   */
  @Override
  public void start() throws SQLException, SchedulerException {
    int n = DATA_SOURCES.incrementAndGet();
    LedgerConnections pool = LedgerConnections.pooled(database, sources.size() + QUARTZ_CONNECTIONS,
        "tended-quartz-" + n);
    boolean created;
    try (Connection db = pool.getConnection()) {
      created = QuartzTables.ensure(db);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    Scheduler s;
    try {
      s = QuartzCluster.create(node, Math.max(1, sources.size()), timings, lease, pool, "tended-ledger-" + n);
    } catch (SchedulerException | RuntimeException e) {
      pool.close();
      throw e;
    }
    try {
      s.setJobFactory((bundle, sched) -> new SourceHold(this));
      for (String source : sources) {
        addJob(s, source);
      }
      connections = pool;
      scheduler = s;
      s.start();
    } catch (SchedulerException | RuntimeException e) {
      s.shutdown(false);
      pool.close();
      throw e;
    }
    log.info("source_ownership_started node={} sources={} checkin_ms={} lease_ms={} tables_created={}", node,
        sources.stream().sorted().toList(), timings.checkin().toMillis(), timings.lease().toMillis(), created);
  }

  private void addJob(Scheduler s, String source) throws SchedulerException {
    JobDetail job = JobBuilder.newJob(SourceHold.class).withIdentity(source, PollerOwners.GROUP)
        .storeDurably().requestRecovery().build();
    Trigger trigger = TriggerBuilder.newTrigger().withIdentity(source, PollerOwners.GROUP).forJob(job)
        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(timings.idleWait().toMillis())
            .repeatForever().withMisfireHandlingInstructionNowWithExistingCount())
        .startNow().build();
    try {
      s.scheduleJob(job, Set.of(trigger), false);
    } catch (ObjectAlreadyExistsException e) {
      if (!s.checkExists(trigger.getKey())) { // the job outlived its trigger: give it one again
        try {
          s.scheduleJob(trigger);
        } catch (ObjectAlreadyExistsException another) {
          // a node starting beside this one gave it one
        }
      }
    }
  }

  @Override
  public boolean owns(String source) {
    Hold hold = owned.get(source);
    return hold != null && stopping.getCount() > 0 && lease.valid(hold.breaksAtStart());
  }

  /**
   * One run of {@code source}'s job on this node, from Quartz's job thread: returns when this node
   * stops, its lease ends, or its entry has gone from Quartz's tables (another node recovered it).
   * Polls only while its entry is the job's only running one, or was when it began to poll.
   */
  void hold(String source, String entryId) {
    if (stopping.getCount() == 0 || !sources.contains(source)) {
      log.debug("source_hold_declined source={} node={} reason={}", source, node,
          stopping.getCount() == 0 ? "stopping" : "not_a_source_here");
      return;
    }
    long breaks = lease.breaks();
    Hold mine = null;
    boolean standbyLogged = false;
    String reason = "stop";
    try {
      while (stopping.getCount() > 0) {
        if (!lease.valid(breaks)) {
          reason = "checkin_late";
          break;
        }
        Optional<List<Holding>> holdings = holdings(source);
        if (holdings.isPresent()) {
          List<Holding> all = holdings.get();
          if (all.stream().noneMatch(h -> h.entryId().equals(entryId))) {
            reason = "recovered_elsewhere";
            break;
          }
          if (mine == null && all.size() == 1) {
            mine = new Hold(entryId, breaks, System.nanoTime());
            owned.put(source, mine);
            log.info("source_owned source={} node={}", source, node);
          } else if (mine == null && !standbyLogged) {
            standbyLogged = true;
            log.info("source_standby source={} node={} holder={}", source, node,
                all.stream().filter(h -> !h.entryId().equals(entryId)).map(Holding::node).findFirst().orElse("-"));
          }
        }
        long waitNanos = Math.min(timings.recheck().toNanos(), Math.max(1, lease.remainingNanos()));
        if (stopping.await(waitNanos, TimeUnit.NANOSECONDS)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      reason = "interrupted";
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      reason = "error";
      log.error("source_hold_failed source={} node={} error={}", source, node, Kv.q(e.toString()), e);
    } finally {
      if (mine != null) {
        owned.remove(source, mine);
        long heldMs = (System.nanoTime() - mine.sinceNanos()) / 1_000_000;
        if (reason.equals("stop")) {
          log.info("source_released source={} node={} held_ms={}", source, node, heldMs);
        } else {
          log.warn("source_lost source={} node={} reason={} held_ms={}", source, node, reason, heldMs);
        }
      }
    }
  }

  /** The job's running entries; empty (logged at debug) when the database cannot be read now. */
  private Optional<List<Holding>> holdings(String source) {
    try (Connection db = connections.getConnection()) {
      return Optional.of(PollerOwners.holdings(db, source));
    } catch (SQLException e) {
      log.debug("source_hold_check_failed source={} node={} error={}", source, node, Kv.q(e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * Stops polling everything at once, ends this node's holds so that their end is recorded in
   * Quartz's tables (another node takes each within about {@code 2 × idleWait}), and shuts Quartz
   * down, within {@code budget}; a shutdown that overruns (the database is gone: Quartz retries the
   * record) is logged and left behind, and the other nodes recover the holds once this node's
   * check-in is stale. Idempotent.
   */
  @Override
  public void stop(Duration budget) {
    if (stopped.getAndSet(true)) {
      return;
    }
    stopping.countDown();
    Scheduler s = scheduler;
    if (s == null) {
      return;
    }
    try {
      s.standby(); // takes nothing new: a source ended here is left to the other nodes
    } catch (SchedulerException e) {
      log.warn("source_ownership_stop_failed node={} error={}", node, Kv.q(e.getMessage()));
    }
    Thread shutdown = new Thread(() -> {
      try {
        s.shutdown(true); // waits for the holds, whose end Quartz records
      } catch (SchedulerException e) {
        log.warn("source_ownership_stop_failed node={} error={}", node, Kv.q(e.getMessage()));
      } finally {
        connections.close();
      }
    }, "source-ownership-stop");
    shutdown.setDaemon(true);
    shutdown.start();
    try {
      shutdown.join(Math.max(1, budget.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (shutdown.isAlive()) {
      log.warn("source_ownership_stop_timeout node={} waited_ms={} note=\"the other nodes take its sources once its check-in is stale\"",
          node, budget.toMillis());
    }
  }
}
