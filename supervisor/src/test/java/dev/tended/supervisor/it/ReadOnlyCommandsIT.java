package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only commands as an operator in the {@code tended} group runs them: allowed to read the
 * data folder, not to write it. When the tests run as root (whom {@code chmod} does not stop) the
 * commands run as {@code nobody} with group {@code nogroup}, which then owns the data folder with
 * group read access only (folders 0750, files 0640, as the units' {@code UMask=0027} makes them);
 * otherwise the folder and its files lose their write bits for the test.
 */
class ReadOnlyCommandsIT {
  @TempDir Path dir;
  private final List<String> restore = new ArrayList<>();

  @AfterEach
  void giveWriteAccessBack() throws Exception {
    if (!restore.isEmpty()) {
      sh(restore);
    }
  }

  @Test
  void healthDiagnoseStatusShowAndMetricsReadTheLedgerWithReadAccessOnlyWhileTheWorkerRunsAndAfterItStopped() throws Exception {
    List<String> asReader = readerPrefix();
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "cat > /dev/null; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 3s }").write();
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 2));
    String cfg = c.file().toString();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(30)).until(() -> Supervisor.run("health-diagnose", "--config", cfg).exitCode() == 0);
      readOnly(c.dataDir());

      Supervisor.Result running = Supervisor.runAs(asReader, "health-diagnose", "--config", cfg);
      System.out.println("health-diagnose, read access only, worker running:\n" + running.out() + running.err());
      assertThat(running.out()).contains("✓ ledger").contains("2 items");
      assertThat(running.exitCode()).as(running.out()).isZero();
      Supervisor.Result status = Supervisor.runAs(asReader, "status", "--config", cfg);
      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(status.out()).contains("i0").contains("succeeded");

      sup.process().signal("TERM");
      assertThat(sup.process().awaitExit(Duration.ofSeconds(15))).isZero();
    }
    assertThat(c.dataDir().resolve("ledger.db-wal")).as("a clean stop folds the WAL back").doesNotExist();
    Supervisor.Result stopped = Supervisor.runAs(asReader, "health-diagnose", "--config", cfg);
    System.out.println("health-diagnose, read access only, worker stopped:\n" + stopped.out() + stopped.err());
    assertThat(stopped.out()).contains("✓ ledger").contains("2 items");
    Supervisor.Result status = Supervisor.runAs(asReader, "status", "--config", cfg);
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).contains("i1").contains("succeeded");
    Supervisor.Result show = Supervisor.runAs(asReader, "show", "--config", cfg, "ideas", "i1");
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("succeeded").contains("exited");
    Supervisor.Result metrics = Supervisor.runAs(asReader, "metrics", "--config", cfg);
    assertThat(metrics.exitCode()).as(metrics.err()).isZero();
    assertThat(metrics.out()).contains("tended_items{source=\"ideas\",state=\"succeeded\"} 2.0")
        .contains("tended_attempts_total{ending=\"exited\",source=\"ideas\"} 2.0");
    try (var files = Files.list(c.dataDir())) {
      assertThat(files.map(p -> p.getFileName().toString())).as("the readers created nothing")
          .noneMatch(n -> n.endsWith("-shm") || n.endsWith("-wal") || n.endsWith("-journal"));
    }
  }

  /** The command prefix that runs as a reader; sets the data folder's permissions up for it. */
  private List<String> readerPrefix() throws Exception {
    if (!"0".equals(sh(List.of("id", "-u")).trim())) {
      return List.of();
    }
    assumeThat(Files.isExecutable(Path.of("/usr/bin/setpriv"))).as("running as root needs setpriv to read as another"
        + " user (chmod does not stop root)").isTrue();
    assumeThat(sh(List.of("sh", "-c", "id -u nobody && getent group nogroup || echo missing"))).as("user nobody"
        + " and group nogroup").doesNotContain("missing");
    // the reader must reach the data folder through the test's own folder
    sh(List.of("chmod", "0755", dir.toString()));
    return List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
  }

  private void readOnly(Path dataDir) throws Exception {
    if (!"0".equals(sh(List.of("id", "-u")).trim())) {
      sh(List.of("chmod", "-R", "a-w", dataDir.toString()));
      restore.addAll(List.of("chmod", "-R", "u+w", dataDir.toString()));
      return;
    }
    sh(List.of("chgrp", "-R", "nogroup", dataDir.toString()));
    sh(List.of("chmod", "-R", "u=rwX,g=rX,o=", dataDir.toString()));
  }

  private static String sh(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(cmd + " failed: " + out);
    }
    return out;
  }
}
