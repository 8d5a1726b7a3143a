package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real worker jar given a configuration it refuses (exit 78): restarting cannot fix that, so the
 * supervisor stops and exits 78 itself, which systemd's {@code RestartPreventExitStatus=78} honours.
 */
class WorkerConfigRefusedIT {
  private static final Pattern SPAWNED = Pattern.compile("worker_spawned ");

  @TempDir Path dir;

  @Test
  void workerThatRefusesItsConfigurationMakesTheSupervisorExit78AfterOneStart() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    Path missing = dir.resolve("no-such-config.yaml");
    String workerCommand = "[\"" + WorkerProcess.java() + "\", \"-XX:TieredStopAtLevel=1\", \"-jar\", \""
        + WorkerProcess.workerJar() + "\", \"--config\", \"" + missing + "\"]";
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s, restartBackoff: { initial: 100ms, max: 200ms },"
            + " workerCommand: " + workerCommand + " }")
        .write();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      int exit = sup.process().awaitExit(Duration.ofSeconds(30));

      String log = sup.log();
      assertThat(exit).as(log).isEqualTo(78);
      assertThat(SPAWNED.matcher(log).results().count()).as(log).isEqualTo(1);
      assertThat(log).contains("worker_config_refused").contains("exit_code=78")
          .contains("the worker refused its configuration")
          .doesNotContain("worker_restarted");
    }
  }
}
