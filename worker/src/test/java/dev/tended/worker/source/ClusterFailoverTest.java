package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * When the node that holds a source dies without a word (SIGKILL of its JVM, as a host that vanishes),
 * another node holds it within the bound {@link ClusterTimings} promises: for the worker's timings,
 * {@code staleAfter} (plus the poll interval before the first poll). The dying node runs in a JVM of
 * its own ({@link OwnershipNodeMain}); the survivor runs here.
 */
class ClusterFailoverTest {
  /** What a test configuration's staleAfter might be; the check-in interval follows from it. */
  private static final Duration STALE_AFTER = Duration.ofSeconds(14);
  private static final Set<String> SOURCES = Set.of("ideas", "mail");

  @TempDir Path serverDir;
  @TempDir Path out;
  private PostgresServer server;
  private Process victim;
  private ClusteredOwnership survivor;

  @BeforeEach
  void startTheServer() throws Exception {
    Assumptions.assumeTrue(PostgresServer.installed(), "no PostgreSQL server programs (Debian's postgresql)");
    server = PostgresServer.start(serverDir);
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (victim != null) {
      victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (survivor != null) {
      survivor.stop(Duration.ofSeconds(5));
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void whenTheHolderIsKilledAnotherNodeHoldsEachSourceWithinStaleAfter() throws Exception {
    ClusterTimings timings = OwnershipNodeMain.timings(ClusterTimings.from(STALE_AFTER).checkin());
    assertThat(timings.failoverBound(Duration.ZERO)).isLessThanOrEqualTo(STALE_AFTER);
    Path log = out.resolve("victim.out");
    List<String> cmd = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
        OwnershipNodeMain.class.getName(), server.jdbcUrl(), server.user(), "victim",
        Long.toString(timings.checkin().toMillis())));
    cmd.addAll(SOURCES);
    victim = new ProcessBuilder(JvmFlags.forTests().command(cmd)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(log)
        && SOURCES.stream().allMatch(s -> linesOf(log).contains("owned " + s)));

    survivor = new ClusteredOwnership("survivor", SOURCES, timings,
        ClusteredOwnershipTest.database(server.jdbcUrl(), server.user()));
    survivor.start();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
        .until(() -> SOURCES.stream().noneMatch(survivor::owns));

    victim.destroyForcibly(); // SIGKILL: no stop, no release, its Quartz rows stay as they were
    long killed = System.nanoTime();
    assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Duration bound = timings.failoverBound(Duration.ZERO);
    await().pollInterval(Duration.ofMillis(20)).atMost(bound.plusSeconds(1))
        .until(() -> SOURCES.stream().allMatch(survivor::owns));
    long tookMs = (System.nanoTime() - killed) / 1_000_000;
    LoggerFactory.getLogger(ClusterFailoverTest.class).warn("failover_measured took_ms={} bound_ms={} checkin_ms={}",
        tookMs, bound.toMillis(), timings.checkin().toMillis());
    assertThat(tookMs).isLessThanOrEqualTo(bound.toMillis());
  }

  private static List<String> linesOf(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (java.io.IOException e) {
      return List.of();
    }
  }
}
