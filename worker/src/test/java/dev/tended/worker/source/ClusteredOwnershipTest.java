package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.PollerOwners;
import dev.tended.ledger.PollerOwners.PollerOwner;
import dev.tended.testkit.postgres.PostgresDatabases;
import dev.tended.testkit.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The clustered source ownership on a real PostgreSQL server ({@link PostgresServer}), several nodes
 * in this JVM on one fresh database per test: each source is held by exactly one node at a time, a
 * clean stop hands it on at once, a node cut off from the database stops polling before another can
 * take over, and Quartz's tables are created once. The failover after a {@code kill -9} needs a
 * second JVM: {@link ClusterFailoverTest}.
 */
class ClusteredOwnershipTest {
  /** Short intervals: a 2 s check-in, a 7.5 s lease. */
  static final ClusterTimings FAST = new ClusterTimings(Duration.ofSeconds(2), Duration.ofMillis(500),
      Duration.ofSeconds(2), Duration.ofMillis(500));
  private static final Set<String> SOURCES = Set.of("ideas", "qa-issues", "mail");

  @RegisterExtension static final PostgresDatabases PG = new PostgresDatabases("owners");
  private final List<ClusteredOwnership> nodes = new ArrayList<>();

  @AfterEach
  void stopTheNodes() {
    nodes.forEach(n -> n.stop(Duration.ofSeconds(5)));
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(PG.url(), PG.user(), "");
  }

  /** The test database as the worker's ledger gives it to the ownership. */
  static DataSource database(String url, String user) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(user);
    return ds;
  }

  private ClusteredOwnership node(String name) {
    ClusteredOwnership n = new ClusteredOwnership(name, SOURCES, FAST, database(PG.url(), PG.user()));
    nodes.add(n);
    return n;
  }

  /** For each source, the nodes (by index) that own it now. */
  private Map<String, List<Integer>> owners() {
    return SOURCES.stream().collect(Collectors.toMap(s -> s, s -> {
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        if (nodes.get(i).owns(s)) {
          out.add(i);
        }
      }
      return out;
    }));
  }

  private boolean atMostOneOwnerEach() {
    return owners().values().stream().allMatch(o -> o.size() <= 1);
  }

  private boolean exactlyOneOwnerEach() {
    return owners().values().stream().allMatch(o -> o.size() == 1);
  }

  /** Samples ownership until {@code done}, failing at the first moment two nodes own one source. */
  private void neverTwoOwnersUntil(Duration atMost, java.util.concurrent.Callable<Boolean> done) {
    AtomicReference<String> broken = new AtomicReference<>();
    await().pollInterval(Duration.ofMillis(20)).atMost(atMost).until(() -> {
      if (!atMostOneOwnerEach()) {
        broken.compareAndSet(null, owners().toString());
      }
      return broken.get() != null || done.call();
    });
    assertThat(broken.get()).as("a moment at which two nodes owned one source").isNull();
  }

  @Test
  void withThreeNodesOnOneDatabaseEverySourceIsHeldByExactlyOneNodeAtATime() throws Exception {
    CompletableFuture<?>[] starts = new CompletableFuture<?>[3];
    for (int i = 0; i < 3; i++) {
      ClusteredOwnership n = node("n" + (i + 1));
      starts[i] = CompletableFuture.runAsync(() -> {
        try {
          n.start();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }
    CompletableFuture.allOf(starts).get(60, TimeUnit.SECONDS);

    neverTwoOwnersUntil(Duration.ofSeconds(15), this::exactlyOneOwnerEach);
    // and it stays so, through several check-ins and rechecks of every node
    await().pollInterval(Duration.ofMillis(20)).during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
        .until(this::exactlyOneOwnerEach);
  }

  @Test
  void aNodeReusesAFewPooledConnectionsThroughItsCheckInsInsteadOfOpeningOnePerTransaction() throws Exception {
    try (Connection watcher = connect()) { // one session of the test's own, opened before counting
      node("n1").start();
      await().atMost(Duration.ofSeconds(15)).until(this::exactlyOneOwnerEach);
      long sessionsBefore = sessions(watcher);
      long checkinBefore = lastCheckin(watcher, "n1");

      // three check-ins and a dozen of the scheduler's rounds and the holds' rechecks: each a transaction
      await().atMost(Duration.ofSeconds(30)).until(
          () -> lastCheckin(watcher, "n1") >= checkinBefore + 3 * FAST.checkin().toMillis());
      long opened = sessions(watcher) - sessionsBefore;

      assertThat(opened).as("sessions opened, at most the pool's size (%d sources + 4)", SOURCES.size())
          .isLessThanOrEqualTo(SOURCES.size() + 4);
    }
  }

  /** Sessions ever opened on the test's database (PostgreSQL's own count, read fresh). */
  private static long sessions(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet rs = st.executeQuery("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long lastCheckin(Connection db, String node) throws SQLException {
    try (PreparedStatement q = db.prepareStatement(
        "SELECT last_checkin_time FROM qrtz_scheduler_state WHERE instance_name = ?")) {
      q.setString(1, node);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  @Test
  void whenTheHolderStopsCleanlyAnotherNodeTakesEachSourcePromptly() throws Exception {
    node("n1").start();
    await().atMost(Duration.ofSeconds(15)).until(this::exactlyOneOwnerEach);
    node("n2").start();
    // n1 started first and holds everything; n2 waits
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> owners().values().stream().allMatch(o -> o.equals(List.of(0))));

    long stop = System.nanoTime();
    nodes.get(0).stop(Duration.ofSeconds(5));
    assertThat(SOURCES).noneMatch(nodes.get(0)::owns);
    neverTwoOwnersUntil(Duration.ofSeconds(5), () -> owners().values().stream().allMatch(o -> o.equals(List.of(1))));
    long tookMs = (System.nanoTime() - stop) / 1_000_000;
    // much sooner than a failure verdict (check-in plus Quartz's 7.5 s grace)
    assertThat(tookMs).isLessThan(FAST.checkin().plus(ClusterTimings.QUARTZ_GRACE).toMillis());
  }

  @Test
  void aNodeCutOffFromTheDatabaseFor20sStopsPollingBeforeAnyOtherCouldTakeOverAndOneNodeHoldsEachAfter()
      throws Exception {
    node("n1").start();
    node("n2").start();
    neverTwoOwnersUntil(Duration.ofSeconds(15), this::exactlyOneOwnerEach);

    long down = System.nanoTime();
    PG.server().stop();
    // within the lease (check-in plus grace less the margin), counted from a check-in before the cut
    neverTwoOwnersUntil(FAST.lease().plus(Duration.ofSeconds(2)),
        () -> owners().values().stream().allMatch(List::isEmpty));
    long silentMs = (System.nanoTime() - down) / 1_000_000;
    assertThat(silentMs).isLessThan(FAST.lease().toMillis() + 1000);
    neverTwoOwnersUntil(Duration.ofSeconds(25), () -> System.nanoTime() - down > Duration.ofSeconds(20).toNanos());
    PG.server().startAgain();

    neverTwoOwnersUntil(Duration.ofSeconds(30), this::exactlyOneOwnerEach);
    await().pollInterval(Duration.ofMillis(20)).during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
        .until(this::exactlyOneOwnerEach);
  }

  @Test
  void twoNodesStartingTogetherCreateQuartzsTablesOnceAndALaterStartDropsNothing() throws Exception {
    CyclicBarrier together = new CyclicBarrier(2);
    List<CompletableFuture<Boolean>> creates = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      creates.add(CompletableFuture.supplyAsync(() -> {
        try (Connection db = connect()) {
          together.await(10, TimeUnit.SECONDS);
          return QuartzTables.ensure(db);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    List<Boolean> created = new ArrayList<>();
    for (CompletableFuture<Boolean> c : creates) {
      created.add(c.get(60, TimeUnit.SECONDS)); // rethrows what either threw
    }
    assertThat(created).containsExactlyInAnyOrder(true, false);
    assertThat(quartzTables()).isEqualTo(QuartzTables.TABLES.size());

    // a cluster runs; a node that starts now must find the tables and leave the cluster's rows alone
    node("n1").start();
    await().atMost(Duration.ofSeconds(15)).until(this::exactlyOneOwnerEach);
    node("n2").start();
    assertThat(SOURCES).allMatch(nodes.get(0)::owns);
    try (Connection db = connect()) {
      assertThat(PollerOwners.read(db)).extracting(PollerOwner::node).containsOnly(Optional.of("n1"));
    }
  }

  @Test
  void theReadWithoutQuartzShowsWhichNodeHoldsEachSourceAndNoneOnceItStopped() throws Exception {
    try (Connection db = connect()) {
      assertThat(PollerOwners.read(db)).as("no clustered worker started yet").isEmpty();
    }
    node("n1").start();
    await().atMost(Duration.ofSeconds(15)).until(this::exactlyOneOwnerEach);
    try (Connection db = connect()) {
      List<PollerOwner> owners = PollerOwners.read(db);
      assertThat(owners).extracting(PollerOwner::source).containsExactly("ideas", "mail", "qa-issues");
      assertThat(owners).allSatisfy(o -> {
        assertThat(o.node()).contains("n1");
        assertThat(o.since()).isPresent();
        assertThat(o.lastCheckin()).isPresent();
      });
    }
    nodes.get(0).stop(Duration.ofSeconds(5));
    try (Connection db = connect()) {
      assertThat(PollerOwners.read(db)).extracting(PollerOwner::node).containsOnly(Optional.empty());
    }
  }

  private int quartzTables() throws SQLException {
    try (Connection db = connect(); Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'qrtz\\_%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
