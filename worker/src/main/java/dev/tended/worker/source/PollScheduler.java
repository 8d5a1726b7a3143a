package dev.tended.worker.source;

import dev.tended.worker.heartbeat.PollReport;
import dev.tended.worker.lifecycle.Managed;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.LoggerFactory;

/**
 * Runs every source's poller on its own schedule with Quartz (in-memory store, one thread per source
 * so a slow source never delays another). A missed run is not replayed in a burst: the next one runs
 * when due. {@link #pollSoon} runs a source's poll early (the file-change fast path); the job is
 * {@code @DisallowConcurrentExecution}, so an early poll waits for a running one instead of
 * overlapping it, and at most one early poll per source waits at a time. A stop waits (within its
 * budget) for the polls that are running, so what they read is recorded before the ledger closes.
 */
public final class PollScheduler implements Managed {
  private final List<SourcePoller> pollers;
  private final Map<String, SourcePoller> byName = new LinkedHashMap<>();
  private final Scheduler scheduler;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final PollGate gate = new PollGate();

  public PollScheduler(List<SourcePoller> pollers) throws SchedulerException {
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

  /** Schedules every poller, first run now, and starts Quartz. */
  @Override
  public void start() throws SchedulerException {
    for (SourcePoller poller : pollers) {
      JobDataMap data = new JobDataMap();
      data.put(PollJob.POLLER, poller);
      data.put(PollJob.GATE, gate);
      JobDetail job = JobBuilder.newJob(PollJob.class).withIdentity(poller.part()).usingJobData(data).build();
      Trigger trigger = TriggerBuilder.newTrigger().withIdentity(poller.part()).startNow()
          .withSchedule(SimpleScheduleBuilder.simpleSchedule()
              .withIntervalInMilliseconds(poller.config().pollInterval().toMillis())
              .repeatForever()
              .withMisfireHandlingInstructionNextWithRemainingCount())
          .build();
      scheduler.scheduleJob(job, trigger);
    }
    scheduler.start();
  }

  /**
   * Asks for {@code source}'s poll to run now, unless one is already waiting to start. Never blocks
   * on a poll; safe from any thread. Unknown sources and requests after {@link #stop()} are ignored.
   */
  public void pollSoon(String source) {
    SourcePoller poller = byName.get(source);
    if (poller == null || stopped.get() || !poller.requestPoll()) {
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
