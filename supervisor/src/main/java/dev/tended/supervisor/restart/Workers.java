package dev.tended.supervisor.restart;

import dev.tended.ledger.LedgerStores;
import dev.tended.config.ConfigException;
import dev.tended.config.TendedConfig;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the {@link WorkerControl} that {@code supervisor.restartWith} asks for. */
public final class Workers {
  /** Environment variable naming the program used in place of {@code systemctl}. */
  public static final String SYSTEMCTL_ENV = "TENDED_SYSTEMCTL";
  /**
   * Environment variable the launcher ({@code tended supervise}) sets to itself: an empty
   * {@code workerCommand} then starts the worker as {@code tended worker --config FILE}, with the
   * worker's own JVM options and class-data archive rather than the supervisor's.
   */
  public static final String LAUNCHER_ENV = "TENDED_LAUNCHER";

  private Workers() {}

  /**
   * The worker control of {@code config}; {@code onExit} is run (on a JDK thread) when a child exits.
   *
   * @throws ConfigException when {@code workerCommand} is empty and no tended-worker.jar can be found
   */
  public static WorkerControl forConfig(TendedConfig config, Map<String, String> env, Runnable onExit)
      throws ConfigException {
    var sup = config.supervisor();
    return switch (sup.restartWith()) {
      case CHILD -> new ChildWorker(workerCommand(config, env), config.dataDir(), config.configFile(),
          sup.stopGrace(), onExit, RecordedHandlers.ofLedger(LedgerStores.of(config)));
      case SYSTEMCTL -> new SystemctlWorker(env.getOrDefault(SYSTEMCTL_ENV, "systemctl"), sup.workerUnit(),
          sup.stopGrace().plus(Duration.ofSeconds(60)));
    };
  }

  /**
   * The supervisor's own JVM options (heap bounds, GC, exit on out-of-memory from the launcher's
   * {@code jvm.options}), so that "the same JVM" runs the worker the same way; debugger and agent
   * options are left out, since two processes cannot share them.
   */
  static List<String> inheritedJvmOptions() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-agentpath") && !a.startsWith("-javaagent")
            && !a.startsWith("-Xrunjdwp") && !a.startsWith("-Xdebug"))
        .toList();
  }

  /**
   * The argv that starts the worker in child mode: {@code workerCommand} when given; else, under the
   * launcher ({@link #LAUNCHER_ENV}), the launcher's {@code worker} command run by this JVM's java;
   * else this JVM's java with its options running the worker jar found beside the supervisor's.
   */
  static List<String> workerCommand(TendedConfig config, Map<String, String> env) throws ConfigException {
    List<String> configured = config.supervisor().workerCommand();
    if (!configured.isEmpty()) {
      return configured;
    }
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String launcher = env.getOrDefault(LAUNCHER_ENV, "");
    if (!launcher.isEmpty() && Files.isExecutable(Path.of(launcher))) {
      // env(1) execs the launcher, which execs java: the child's pid is the worker JVM's.
      return List.of("/usr/bin/env", "JAVA=" + java, launcher, "worker", "--config", config.configFile().toString());
    }
    Optional<Path> self = ownJar();
    List<Path> candidates = new ArrayList<>();
    if (self.isPresent()) {
      Path dir = self.get().getParent();
      candidates.add(dir.resolve("tended-worker.jar"));                                  // installed layout
      candidates.add(dir.resolve("../../worker/target/tended-worker.jar").normalize()); // source tree
    }
    for (Path c : candidates) {
      if (Files.isRegularFile(c)) {
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(inheritedJvmOptions());
        argv.addAll(List.of("-jar", c.toString(), "--config", config.configFile().toString()));
        return argv;
      }
    }
    throw new ConfigException("supervisor.workerCommand: is empty and no tended-worker.jar was found "
        + (candidates.isEmpty() ? "(the supervisor is not running from a jar)" : "at " + candidates)
        + "; name the command, e.g. [\"/usr/bin/java\", \"-jar\", \"/opt/tended/tended-worker.jar\", \"--config\", \"...\"]");
  }

  private static Optional<Path> ownJar() {
    try {
      var src = Workers.class.getProtectionDomain().getCodeSource();
      if (src == null) {
        return Optional.empty();
      }
      Path p = Path.of(src.getLocation().toURI());
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    } catch (URISyntaxException | SecurityException e) {
      return Optional.empty();
    }
  }
}
