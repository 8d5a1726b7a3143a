package dev.tended.bench.e2e;

import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A worker on a data folder of its own, as the benchmark measures it: the configuration, the running
 * jar, its status file. One per measurement; {@link #close()} stops whatever is still running.
 */
public final class WorkerRig implements AutoCloseable {
  private final TestConfig config;
  private final Path jar;
  private final StatusProbe status;
  private WorkerProcess worker;

  public WorkerRig(TestConfig config, Path jar) {
    this.config = config;
    this.jar = jar;
    this.status = StatusProbe.tolerant(config.statusFile());
  }

  /**
   * A configuration in {@code dir} with the benchmark's timings: a beat every 5 s (idle figures are
   * taken at that rate) and a supervisor that waits 10 s.
   */
  public static TestConfig config(Path dir) {
    return new TestConfig(dir).heartbeatInterval("5s").supervisor("{ staleAfter: 10s, startupGrace: 20s, stopGrace: 4s }");
  }

  public TestConfig config() {
    return config;
  }

  public StatusProbe status() {
    return status;
  }

  public WorkerProcess worker() {
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
    worker = WorkerProcess.start(workerCommand(flags), Map.of(), config.dir().resolve("worker.out"));
    StatusProbe.Seen beat = status.await(StatusProbe.beatOf(worker.pid()), Duration.ofSeconds(60));
    return beat.atNanos() - worker.startedNanos();
  }

  /** Stops the worker with SIGTERM; returns its exit code. */
  public int stop() throws IOException, InterruptedException {
    return worker == null ? 0 : worker.stop(Duration.ofSeconds(20));
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
  }
}
