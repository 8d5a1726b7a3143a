package dev.tended.worker.source;

import java.util.Objects;
import org.quartz.JobPersistenceException;
import org.quartz.impl.jdbcjobstore.JobStoreTX;

/**
 * Quartz's JDBC job store that also tells a {@link CheckinLease} each time this node's check-in with
 * the cluster succeeded. Quartz itself never stops a job whose node cannot check in (the database is
 * unreachable, the node is cut off): other nodes then declare it failed and start the same job, while
 * it runs on here. The lease is what lets a hold notice in time and stop polling first.
 *
 * <p>Quartz's cluster-manager thread calls {@link #doCheckin()}; the lease is thread-safe.
 */
final class LeasedJobStore extends JobStoreTX {
  private final CheckinLease lease;

  LeasedJobStore(CheckinLease lease) {
    this.lease = Objects.requireNonNull(lease);
  }

  /**
   * Quartz's check-in, timed from before it began: the time stamp Quartz writes is taken inside it,
   * so the lease never outlasts what the other nodes see.
   */
  @Override
  protected boolean doCheckin() throws JobPersistenceException {
    long start = lease.now();
    boolean recovered = super.doCheckin();
    lease.checkedIn(start);
    return recovered;
  }
}
