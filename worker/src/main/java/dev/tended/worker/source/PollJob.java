package dev.tended.worker.source;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job that runs one {@link SourcePoller} poll, under the poller's thread name so that a
 * thread dump names a wedged poller ({@code poll-ideas}). Never two runs of one source at once; a
 * poll that throws is caught by the poller, so Quartz never unschedules it. Each run passes the
 * scheduler's {@link PollGate}, so a stop can wait for it.
 */
@DisallowConcurrentExecution
public final class PollJob implements Job {
  static final String POLLER = "poller";
  static final String GATE = "gate";

  @Override
  public void execute(JobExecutionContext context) {
    SourcePoller poller = (SourcePoller) context.getMergedJobDataMap().get(POLLER);
    PollGate gate = (PollGate) context.getMergedJobDataMap().get(GATE);
    if (!gate.enter()) {
      return; // the worker is stopping
    }
    Thread me = Thread.currentThread();
    String name = me.getName();
    me.setName(poller.part());
    try {
      poller.pollOnce();
    } finally {
      me.setName(name);
      gate.leave();
    }
  }
}
