package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.posix.DaemonSignals;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every signal a user or a tool may send to the worker is handled on purpose (issue 11, D). */
class SignalsIT {
  /** What the launcher sets: HotSpot's suspend/resume signal off SIGUSR2. */
  static final Map<String, String> LAUNCHER_ENV = Map.of(DaemonSignals.SR_SIGNUM_VARIABLE, "40");

  @TempDir Path dir;

  @Test
  void usr1Usr2AndOtherStraySignalsLeaveTheWorkerAndItsHandlerRunningAndTheItemRunsOnce() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path started = dir.resolve("started");
      Path release = dir.resolve("release");
      Path handler = f.recordingHandler("waits.sh", "echo $$ > '" + started + "'\n"
          + "while [ ! -e '" + release + "' ]; do sleep 0.1; done\nexit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Files.createDirectories(f.config.dataDir());
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("s", 0, 1));
      try (WorkerProcess worker = WorkerProcess.startWorker(f.config.file(), LAUNCHER_ENV, dir.resolve("worker.out"))) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started) && Files.size(started) > 0);
        long handlerPid = Long.parseLong(Files.readString(started).trim());

        for (String signal : List.of("USR1", "USR2", "ALRM", "PWR", "VTALRM", "PROF", "IO", "TTOU", "TTIN")) {
          worker.signal(signal);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> f.workerLog().contains("signal_ignored signal=SIGIO"));
        long sequence = f.status.sequence();
        await("the heartbeat goes on").atMost(Duration.ofSeconds(20)).until(() -> f.status.sequence() > sequence);
        assertThat(worker.isAlive()).isTrue();
        assertThat(ProcessHandle.of(handlerPid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(f.status.read().orElseThrow().state()).isEqualTo("running");
        awaitLogged(() ->
            assertThat(f.workerLog()).contains("signal_ignored signal=SIGUSR2").contains("signal_ignored signal=SIGALRM")
                .contains("signal_ignored signal=SIGPWR").contains("log_reopened")
                .doesNotContain("signal_left_to_jvm"));

        Files.createFile(release);
        await().atMost(Duration.ofSeconds(30))
            .until(() -> f.counts("ideas").getOrDefault(ItemState.SUCCEEDED, 0L) == 1);
        assertThat(f.runs()).containsExactly("ideas s0 1");
        assertThat(worker.stop(Duration.ofSeconds(20))).isZero();
        assertThat(f.status.read().orElseThrow().state()).isEqualTo("stopped");
      }
    }
  }

  @Test
  void withoutTheLaunchersSettingTheWorkerSaysAtStartThatSigusr2IsTheJvms() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.config.script("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      WorkerProcess worker = f.start();
      f.awaitBeatFrom(worker);
      await().atMost(Duration.ofSeconds(20)).until(() -> f.workerLog().contains("signal_left_to_jvm signal=SIGUSR2"));
      assertThat(worker.stop(Duration.ofSeconds(20))).isZero();
    }
  }
}
