package dev.tended.worker.source;

import dev.tended.worker.heartbeat.PollReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Runs every source's poller on its own schedule with Quartz (in-memory store, one thread per source
 * so a slow source never delays another). A missed run is not replayed in a burst: the next one runs
 * when due.
 */
public final class PollScheduler {
  private final List<SourcePoller> pollers;
  private final Scheduler scheduler;
  private final AtomicBoolean stopped = new AtomicBoolean();

  public PollScheduler(List<SourcePoller> pollers) throws SchedulerException {
    this.pollers = List.copyOf(pollers);
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
  public void start() throws SchedulerException {
    for (SourcePoller poller : pollers) {
      JobDataMap data = new JobDataMap();
      data.put(PollJob.POLLER, poller);
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

  /** What each source's last poll found. */
  public Map<String, PollReport> reports() {
    Map<String, PollReport> out = new LinkedHashMap<>();
    pollers.forEach(p -> out.put(p.config().name(), p.report()));
    return out;
  }

  /** Stops scheduling polls; a poll in progress is not waited for (it may be wedged). Idempotent. */
  public void stop() {
    if (stopped.getAndSet(true)) {
      return;
    }
    try {
      scheduler.shutdown(false);
    } catch (SchedulerException e) {
      org.slf4j.LoggerFactory.getLogger(PollScheduler.class).warn("poll_scheduler_stop_failed error={}", e.getMessage());
    }
  }
}
