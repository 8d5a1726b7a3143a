package dev.tended.worker.source;

import dev.tended.worker.heartbeat.PollReport;
import dev.tended.worker.lifecycle.Managed;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.LoggerFactory;

/**
 * Runs every source's poller on its own schedule: Quartz owns the jobs (in-memory store, one thread
 * per source so a slow source never delays another, {@code @DisallowConcurrentExecution}), while the
 * cadence comes from a monotonic timer ({@code poll-timer}, a {@link ScheduledExecutorService}, which
 * waits on {@link System#nanoTime()}) that fires each job every {@code pollInterval}. Quartz's own
 * triggers wait for a wall-clock time: after a backward step of an hour they would wait that hour, so
 * a step of the wall clock (NTP, a VM restore) either way must change nothing but timestamps, and
 * Quartz only ever gets "run now". A missed run is not replayed in a burst: at most one run per source
 * waits while one is running, whether it was asked for by the timer or by {@link #pollSoon} (the
 * file-change fast path). A stop waits (within its budget) for the polls that are running, so what
 * they read is recorded before the ledger closes.
 *
 * <p>Each tick and each fast-path request first asks the {@link SourceOwnership} whether this node
 * polls the source now: on a ledger several hosts share, only the node that holds a source polls it.
 */
public final class PollScheduler implements Managed {
  private final List<SourcePoller> pollers;
  private final Map<String, SourcePoller> byName = new LinkedHashMap<>();
  private final Scheduler scheduler;
  private final SourceOwnership ownership;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final PollGate gate = new PollGate();
  private final ScheduledExecutorService cadence = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "poll-timer");
    t.setDaemon(true);
    return t;
  });

  /** Polls every source: this node owns them all (a ledger of one host). */
  public PollScheduler(List<SourcePoller> pollers) throws SchedulerException {
    this(pollers, SourceOwnership.everySource());
  }

  /** Polls the sources {@code ownership} says this node owns, each time it asks. */
  public PollScheduler(List<SourcePoller> pollers, SourceOwnership ownership) throws SchedulerException {
    this.ownership = Objects.requireNonNull(ownership);
    this.pollers = List.copyOf(pollers);
    this.pollers.forEach(p -> byName.put(p.config().name(), p));
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "tended-pollers");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(1, pollers.size())));
    p.setProperty("org.quartz.threadPool.threadNamePrefix", "poller");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
    this.scheduler = new StdSchedulerFactory(p).getScheduler();
  }

  /** Adds every poller's job to Quartz, starts it, and fires each job now and then every pollInterval. */
  @Override
  public void start() throws SchedulerException {
    for (SourcePoller poller : pollers) {
      JobDataMap data = new JobDataMap();
      data.put(PollJob.POLLER, poller);
      data.put(PollJob.GATE, gate);
      JobDetail job = JobBuilder.newJob(PollJob.class).withIdentity(poller.part()).usingJobData(data)
          .storeDurably().build();
      scheduler.addJob(job, false);
    }
    scheduler.start();
    for (SourcePoller poller : pollers) {
      String source = poller.config().name();
      cadence.scheduleAtFixedRate(() -> due(source), 0, poller.config().pollInterval().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** The timer's tick for {@code source}: never throws, or the executor would silently stop its cadence. */
  private void due(String source) {
    try {
      SourcePoller poller = byName.get(source);
      if (poller != null && !ownership.owns(source)) {
        poller.polledElsewhere();
        return;
      }
      pollSoon(source);
    } catch (Throwable t) {
      LoggerFactory.getLogger(PollScheduler.class).error("poll_timer_failed source={} error={}", source,
          dev.tended.logging.Kv.q(t.toString()), t);
    }
  }

  /**
   * Asks for {@code source}'s poll to run now, unless one is already waiting to start. Never blocks
   * on a poll; safe from any thread. Unknown sources, sources this node does not own now and requests
   * after {@link #stop()} are ignored.
   */
  public void pollSoon(String source) {
    SourcePoller poller = byName.get(source);
    if (poller == null || stopped.get() || !ownership.owns(source) || !poller.requestPoll()) {
      return;
    }
    try {
      scheduler.triggerJob(JobKey.jobKey(poller.part()));
    } catch (SchedulerException e) {
      poller.withdrawRequest();
      LoggerFactory.getLogger(PollScheduler.class).debug("poll_soon_failed source={} error={}", source, e.getMessage());
    }
  }

  /** What each source's last poll found. */
  public Map<String, PollReport> reports() {
    Map<String, PollReport> out = new LinkedHashMap<>();
    pollers.forEach(p -> out.put(p.config().name(), p.report()));
    return out;
  }

  /**
   * Stops scheduling polls and waits for the running ones to end, at most half of {@code budget}: a
   * poll takes milliseconds, and one that takes longer is likely wedged (often the very reason for
   * the restart), so it is left behind, logged, and the rest of the budget goes to the parts that
   * still have to stop. Idempotent.
   */
  @Override
  public void stop(Duration budget) {
    if (stopped.getAndSet(true)) {
      return;
    }
    Duration wait = budget.dividedBy(2);
    long deadline = System.nanoTime() + wait.toNanos();
    var log = LoggerFactory.getLogger(PollScheduler.class);
    cadence.shutdownNow();
    try {
      scheduler.shutdown(false);
    } catch (SchedulerException e) {
      log.warn("poll_scheduler_stop_failed error={}", e.getMessage());
    }
    int running = gate.inside();
    if (running > 0) {
      log.info("polls_awaited running={} wait_ms={}", running, wait.toMillis());
    }
    try {
      if (!gate.closeAndAwait(deadline)) {
        log.warn("polls_stop_timeout running={} waited_ms={} note=\"a poll still runs as the ledger closes\"",
            gate.inside(), wait.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
