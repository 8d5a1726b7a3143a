package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.TestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that fails at every start for a reason a restart might fix (exit 1, e.g. a disk that is
 * full for now); exit 78, a refused configuration, ends the supervisor instead (WorkerConfigRefusedIT).
 */
class CrashLoopIT {
  private static final Pattern DELAY = Pattern.compile("worker_restarted reason=exit .*? delay_ms=(\\d+)");

  @TempDir Path dir;

  @Test
  void workerThatCrashesAtEveryStartIsRestartedWithGrowingCappedDelaysAndShowsAsCrashLooping() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    Path failing = c.script("failing-worker.sh", "echo 'cannot start: no space left on device' >&2; exit 1");
    String workerCommand = "[\"" + failing + "\"]";
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s, restartBackoff: { initial: 250ms, max: 2s },"
            + " watchOkEvery: 1s,"
            + " workerCommand: " + workerCommand + " }")
        .write();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      await().atMost(Duration.ofSeconds(40)).until(() -> delays(sup.log()).size() >= 6);
      List<Long> delays = delays(sup.log());
      assertThat(delays.subList(0, 6)).containsExactly(250L, 500L, 1000L, 2000L, 2000L, 2000L);
      awaitLogged(() -> assertThat(sup.log()).contains("exit_code=1 ").contains("worker_crash_looping"));
      // the watching still says so while it waits out the backoff
      await().atMost(Duration.ofSeconds(10)).until(() -> sup.log().contains("watch_ok mode=child")
          && sup.log().contains("state=waiting_to_restart"));

      Supervisor.Result diag = Supervisor.run("health-diagnose", "--config", c.file().toString());
      assertThat(diag.exitCode()).as(diag.out()).isEqualTo(2);
      assertThat(diag.out()).containsPattern("✗ restarts: crash-looping: \\d+ failures in a row");
    }
  }

  private static List<Long> delays(String log) {
    List<Long> out = new ArrayList<>();
    Matcher m = DELAY.matcher(log);
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }
}
