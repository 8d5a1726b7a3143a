package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.posix.DaemonSignals;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.Queues;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor with a stdout nobody reads, and at every signal a user or tool may send (issue 11,
 * B and D).
 */
class SupervisorSignalsAndLoggingIT {
  /** What the launcher sets, and the worker inherits: HotSpot's suspend/resume signal off SIGUSR2. */
  private static final Map<String, String> LAUNCHER_ENV = Map.of(DaemonSignals.SR_SIGNUM_VARIABLE, "40");
  private static final String SUPERVISOR = "{ staleAfter: 3s, startupGrace: 20s, stopGrace: 4s, restartBackoff: { initial: 500ms } }";

  @TempDir Path dir;

  private TestConfig config(String ids, int items) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "cat > /dev/null; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "    concurrency: 4\n"))
        .heartbeatInterval("300ms").supervisor(SUPERVISOR);
    Files.createDirectories(c.dataDir());
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas(ids, 0, items));
    c.write();
    return c;
  }

  @Test
  void aStdoutPipeNobodyReadsDoesNotStopTheSupervisorReplacingAFrozenWorker() throws Exception {
    // long ids, many items: the worker's lines (on the supervisor's stdout, child mode) fill the pipe
    TestConfig c = config("item-" + "x".repeat(200) + "-", 600);
    Path workerLog = c.dataDir().resolve("logs/worker.log");
    Path supervisorLog = c.dataDir().resolve("logs/supervisor.log");
    StatusProbe status = new StatusProbe(c.statusFile());
    Process sup = new ProcessBuilder(JvmFlags.forTests().command(List.of("-jar", Supervisor.jar().toString(),
        "supervise", "--config", c.file().toString()))).redirectErrorStream(true).start(); // never read
    try {
      await("the worker has logged far more than the pipe holds").atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Files.exists(workerLog) && Files.size(workerLog) > 256 * 1024);
      long frozen = status.read().orElseThrow().pid();
      WorkerProcess.signal(frozen, "STOP");

      await("the frozen worker is replaced").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> status.read().filter(s -> s.pid() != frozen && "running".equals(s.state())).isPresent());
      await().atMost(Duration.ofSeconds(20))
          .until(() -> Files.readString(supervisorLog).contains("worker_restarted reason=stale pid=" + frozen));
      assertThat(Files.readString(supervisorLog)).contains("worker_stalled");
      assertThat(sup.isAlive()).isTrue();
    } finally {
      sup.descendants().forEach(ProcessHandle::destroyForcibly);
      sup.destroyForcibly();
    }
  }

  @Test
  void usr1Usr2AndOtherStraySignalsLeaveTheSupervisorAndItsWorkerRunning() throws Exception {
    TestConfig c = config("i", 3);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), LAUNCHER_ENV)) {
      long worker = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      for (String signal : List.of("USR1", "USR2", "ALRM", "PWR", "VTALRM", "PROF", "IO", "TTOU", "TTIN")) {
        sup.process().signal(signal);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> sup.log().contains("signal_ignored signal=SIGIO"));
      assertThat(sup.awaitBeatingWorker(-1, Duration.ofSeconds(20))).isEqualTo(worker);
      assertThat(sup.process().isAlive()).isTrue();
      awaitLogged(() ->
          assertThat(sup.log()).contains("log_reopened").contains("signal_ignored signal=SIGUSR2")
              .doesNotContain("signal_left_to_jvm").doesNotContain("worker_stop_requested"));
      assertThat(sup.process().stop(Duration.ofSeconds(30))).isZero();
    }
  }

  @Test
  void hupWithAnInvalidConfigurationIsRefusedWithTheKeyAndChangesNothing() throws Exception {
    TestConfig c = config("i", 3);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), LAUNCHER_ENV)) {
      long worker = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      String good = Files.readString(c.file());
      Files.writeString(c.file(), good.replace("staleAfter: 3s", "staleAfter: soon"));
      sup.process().signal("HUP");

      await().atMost(Duration.ofSeconds(20)).until(() -> sup.log().contains("reload_refused"));
      awaitLogged(() ->
          assertThat(sup.log()).containsPattern("reload_refused config=\\S+ problems=\"[^\"]*staleAfter")
              .doesNotContain("reload_done").doesNotContain("worker_stop_requested"));
      assertThat(sup.awaitBeatingWorker(-1, Duration.ofSeconds(20))).isEqualTo(worker);
      assertThat(sup.process().isAlive()).isTrue();
      assertThat(sup.process().stop(Duration.ofSeconds(30))).isZero();
    }
  }

  @Test
  void hupWithAValidConfigurationReplacesTheWorkerWithIt() throws Exception {
    TestConfig c = config("i", 3);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), LAUNCHER_ENV)) {
      long old = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(c.dataDir().resolve("results/ideas/i2.json")));
      Files.writeString(c.file(), Files.readString(c.file())
          .replace("staleAfter: 3s", "staleAfter: 4s"));
      sup.process().signal("HUP");

      await().atMost(Duration.ofSeconds(30)).until(() -> sup.log().contains("reload_done"));
      long fresh = sup.awaitBeatingWorker(old, Duration.ofSeconds(30));
      assertThat(fresh).isNotEqualTo(old);
      assertThat(ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      awaitLogged(() ->
          assertThat(sup.log()).contains("reload_requested signal=SIGHUP").contains("reload_handing_over")
              .doesNotContain("reload_refused").doesNotContain("worker_stalled"));
      assertThat(sup.process().isAlive()).isTrue();
      assertThat(sup.process().stop(Duration.ofSeconds(30))).isZero();
    }
  }
}
