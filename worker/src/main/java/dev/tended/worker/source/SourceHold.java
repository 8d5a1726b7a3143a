package dev.tended.worker.source;

import java.util.Objects;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job of one source in the cluster: while it runs on a node, that node holds the source.
 * Its run lasts as long as the hold ({@link ClusteredOwnership#hold}), so Quartz's own rules decide
 * who polls: never two runs of one job at once in the cluster ({@code @DisallowConcurrentExecution}),
 * and a run whose node died is started again on a live one (the job requests recovery). Named
 * {@code hold-<source>} while it runs, so a thread dump shows what a node holds.
 */
@DisallowConcurrentExecution
final class SourceHold implements Job {
  private final ClusteredOwnership ownership;

  SourceHold(ClusteredOwnership ownership) {
    this.ownership = Objects.requireNonNull(ownership);
  }

  @Override
  public void execute(JobExecutionContext context) {
    String source = context.getJobDetail().getKey().getName();
    Thread me = Thread.currentThread();
    String name = me.getName();
    me.setName("hold-" + source);
    try {
      ownership.hold(source, context.getFireInstanceId());
    } finally {
      me.setName(name);
    }
  }
}
