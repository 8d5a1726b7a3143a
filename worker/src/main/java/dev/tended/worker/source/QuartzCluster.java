package dev.tended.worker.source;

import dev.tended.ledger.PollerOwners;
import org.quartz.Scheduler;
import org.quartz.SchedulerConfigException;
import org.quartz.SchedulerException;
import org.quartz.core.QuartzScheduler;
import org.quartz.core.QuartzSchedulerResources;
import org.quartz.impl.DefaultThreadExecutor;
import org.quartz.impl.StdJobRunShellFactory;
import org.quartz.impl.StdScheduler;
import org.quartz.impl.jdbcjobstore.InvalidConfigurationException;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.simpl.CascadingClassLoadHelper;
import org.quartz.simpl.SimpleThreadPool;
import org.quartz.utils.DBConnectionManager;

/**
 * Assembles one node's Quartz scheduler on the clustered JDBC job store ({@code JobStoreTX},
 * {@code PostgreSQLDelegate}, the scheduler name every node shares, this node's name as its instance
 * id), as Quartz's {@code DirectSchedulerFactory} would, but with objects rather than properties: the
 * connections come from a {@link LedgerConnections} registered under a data source name of its own,
 * so no password is ever a Quartz property, and the job store is a {@link LeasedJobStore} this code
 * holds. Unlike the factories it does not enter the scheduler in Quartz's JVM-wide
 * {@code SchedulerRepository}, which keys schedulers by name: every node of a cluster has the same
 * name, and tests run several nodes in one JVM. All its threads are daemons, so a stop that cannot
 * finish (the database is gone) never keeps the JVM alive.
 */
final class QuartzCluster {
  private QuartzCluster() {}

  /**
   * A scheduler, not yet started, for {@code node} with {@code threads} job threads.
   *
   * @param dataSource a data source name unique in this JVM
   */
  static Scheduler create(String node, int threads, ClusterTimings timings, CheckinLease lease,
      LedgerConnections connections, String dataSource) throws SchedulerException {
    DBConnectionManager.getInstance().addConnectionProvider(dataSource, connections);

    SimpleThreadPool pool = new SimpleThreadPool(threads, Thread.NORM_PRIORITY);
    pool.setThreadNamePrefix("source-hold");
    pool.setMakeThreadsDaemons(true);
    pool.setInstanceName(PollerOwners.SCHEDULER);
    pool.setInstanceId(node);
    pool.initialize();

    LeasedJobStore store = new LeasedJobStore(lease);
    store.setDataSource(dataSource);
    store.setTablePrefix("QRTZ_");
    store.setInstanceName(PollerOwners.SCHEDULER);
    store.setInstanceId(node);
    store.setIsClustered(true);
    store.setClusterCheckinInterval(timings.checkin().toMillis());
    store.setMisfireThreshold(timings.idleWait().toMillis());
    store.setDbRetryInterval(Math.min(timings.checkin().toMillis(), timings.idleWait().toMillis()));
    store.setMakeThreadsDaemons(true);
    try {
      store.setDriverDelegateClass(PostgreSQLDelegate.class.getName());
    } catch (InvalidConfigurationException e) {
      throw new SchedulerConfigException("Quartz's PostgreSQL delegate: " + e.getMessage(), e);
    }

    QuartzSchedulerResources resources = new QuartzSchedulerResources();
    resources.setName(PollerOwners.SCHEDULER);
    resources.setInstanceId(node);
    resources.setThreadName("source-ownership");
    resources.setMakeSchedulerThreadDaemon(true);
    resources.setThreadPool(pool);
    resources.setThreadExecutor(new DefaultThreadExecutor());
    resources.setJobStore(store);
    StdJobRunShellFactory shells = new StdJobRunShellFactory();
    resources.setJobRunShellFactory(shells);

    QuartzScheduler quartz = new QuartzScheduler(resources, timings.idleWait().toMillis(), 0L);
    CascadingClassLoadHelper classes = new CascadingClassLoadHelper();
    classes.initialize();
    store.initialize(classes, quartz.getSchedulerSignaler());
    Scheduler scheduler = new StdScheduler(quartz);
    shells.initialize(scheduler);
    quartz.initialize();
    return scheduler;
  }
}
