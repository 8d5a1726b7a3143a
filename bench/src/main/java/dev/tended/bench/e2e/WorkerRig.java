package dev.tended.bench.e2e;

import dev.tended.bench.JvmFlags;
import dev.tended.bench.RigConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A worker on a data folder of its own: the configuration, the running jar, its status file. One
 * per measurement; {@link #close()} stops whatever is still running.
 */
public final class WorkerRig implements AutoCloseable {
  private final RigConfig config;
  private final Path jar;
  private final StatusWatch status;
  private JarProcess worker;

  public WorkerRig(RigConfig config, Path jar) {
    this.config = config;
    this.jar = jar;
    this.status = new StatusWatch(config.statusFile());
  }

  public RigConfig config() {
    return config;
  }

  public StatusWatch status() {
    return status;
  }

  public JarProcess worker() {
    return worker;
  }

  /** The command that starts this rig's worker with {@code flags}. */
  public List<String> workerCommand(JvmFlags flags) {
    return flags.command(List.of("-XX:HeapDumpPath=" + config.dataDir(), "-jar", jar.toString(),
        "--config", config.file().toString()));
  }

  /** Starts the worker and waits for its first beat; returns the nanoseconds from start to that beat. */
  public long start(JvmFlags flags) throws IOException, InterruptedException, TimeoutException {
    Files.deleteIfExists(config.statusFile());
    worker = JarProcess.start(workerCommand(flags), config.dir().resolve("worker.out"));
    StatusWatch.Seen beat = status.await(StatusWatch.beatOf(worker.pid()), Duration.ofSeconds(60));
    return beat.atNanos() - worker.startedNanos();
  }

  /** Stops the worker with SIGTERM; returns its exit code. */
  public int stop() throws IOException, InterruptedException {
    return worker == null ? 0 : worker.stop(20);
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
  }
}
