package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void configurationsThatWouldMisbehaveAreRefusedWithTheKeysPathByCheckConfigAndAtStart() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    Path notExecutable = c.script("not-executable.sh", "exit 0");
    Files.setPosixFilePermissions(notExecutable, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    String good = TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "");
    Map<String, String> cases = Map.of(
        TestConfig.jsonQueue("ideas", "ideas_log.json", dir.resolve("no-such-handler.sh"), ""),
        "sources[0].handler.command[0]: no such file",
        TestConfig.jsonQueue("ideas", "ideas_log.json", notExecutable, ""),
        "sources[0].handler.command[0]: not executable",
        good + "  - " + TestConfig.jsonQueue("qa", "ideas_log.json", handler, ""),
        "sources[1].path: ",
        TestConfig.directory("impl", ".", handler, ""),
        "sources[0].path: ",
        good.replace("    pollInterval: 200ms", "    pollInterval: 200ms\n    pollInterval: 300ms"),
        "sources[0].pollInterval: duplicate key",
        good + "# " + "x".repeat(10 * 1024 * 1024), "too big for a configuration file");
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      new TestConfig(dir).source(bad.getKey()).write();
      for (List<String> args : List.of(List.of("--check-config"), List.<String>of())) {
        List<String> command = new java.util.ArrayList<>(List.of(WorkerProcess.java(), "-XX:TieredStopAtLevel=1",
            "-jar", WorkerProcess.workerJar().toString(), "--config", c.file().toString()));
        command.addAll(args);
        WorkerProcess.Finished run = WorkerProcess.runToEnd(command, Map.of(), Duration.ofSeconds(60));
        assertThat(run.exitCode()).as(bad.getValue() + " " + args + ": " + run.err()).isEqualTo(78);
        assertThat(run.err()).as(args.toString()).contains("bad configuration").contains(bad.getValue());
      }
    }
  }
}
