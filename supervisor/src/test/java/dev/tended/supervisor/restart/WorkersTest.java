package dev.tended.supervisor.restart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How child mode's worker command is chosen: configured, through the launcher, or this JVM's java. */
class WorkersTest {
  @TempDir Path dir;

  private TendedConfig config(String workerCommand) throws Exception {
    Path file = dir.resolve("tended.yaml");
    Files.writeString(file, """
        dataDir: data
        sources:
          - name: ideas
            type: json-queue
            path: ideas_log.json
            handler: { command: ["/bin/true"] }
        supervisor: { restartWith: child, workerCommand: %s }
        """.formatted(workerCommand));
    return ConfigLoader.load(file);
  }

  private Path launcher() throws Exception {
    Path launcher = dir.resolve("tended");
    Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    return launcher;
  }

  @Test
  void emptyWorkerCommandUnderTheLauncherRunsTheLaunchersWorkerCommandWithThisJava() throws Exception {
    TendedConfig cfg = config("[]");
    Path launcher = launcher();

    List<String> argv = Workers.workerCommand(cfg, Map.of(Workers.LAUNCHER_ENV, launcher.toString()));

    String java = ProcessHandle.current().info().command().orElseThrow();
    assertThat(argv).containsExactly("/usr/bin/env", "JAVA=" + java, launcher.toString(), "worker",
        "--config", cfg.configFile().toString());
  }

  @Test
  void configuredWorkerCommandWinsOverTheLauncher() throws Exception {
    TendedConfig cfg = config("[\"/bin/sh\", \"-c\", \"exit 0\"]");

    List<String> argv = Workers.workerCommand(cfg, Map.of(Workers.LAUNCHER_ENV, launcher().toString()));

    assertThat(argv).containsExactly("/bin/sh", "-c", "exit 0");
  }

  @Test
  void aLauncherThatIsNotAnExecutableFileIsIgnored() throws Exception {
    TendedConfig cfg = config("[]");
    Path notThere = dir.resolve("no-such-launcher");

    List<String> argv;
    try {
      argv = Workers.workerCommand(cfg, Map.of(Workers.LAUNCHER_ENV, notThere.toString()));
    } catch (dev.tended.config.ConfigException e) {
      // Not running from a jar (the test classes): no worker jar either; the launcher was not taken.
      assertThat(e.getMessage()).contains("no tended-worker.jar");
      return;
    }
    assertThat(argv).doesNotContain(notThere.toString());
  }
}
