package dev.tended.bench.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the product's jars and files are, relative to the source tree's root (the working directory
 * of {@code bench/run.sh}).
 *
 * @param worker {@code worker/target/tended-worker.jar}
 * @param supervisor {@code supervisor/target/tended-supervisor.jar}, when built
 * @param jvmOptions {@code deploy/jvm.options}
 * @param launcher {@code deploy/bin/tended}, which runs the source tree's jars as an installed system
 *     does (jvm.options, the supervisor's own heap, AppCDS archives it makes when missing)
 */
public record Jars(Path worker, Optional<Path> supervisor, Path jvmOptions, Path launcher) {
  /** The jars under {@code root}. */
  public static Jars under(Path root, Optional<Path> workerOverride) {
    Path worker = workerOverride.orElse(root.resolve("worker/target/tended-worker.jar")).toAbsolutePath();
    Path supervisor = root.resolve("supervisor/target/tended-supervisor.jar").toAbsolutePath();
    return new Jars(worker, Files.isRegularFile(supervisor) ? Optional.of(supervisor) : Optional.empty(),
        root.resolve("deploy/jvm.options").toAbsolutePath(), root.resolve("deploy/bin/tended").toAbsolutePath());
  }
}
