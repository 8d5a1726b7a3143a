package dev.tended.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real tended jar running as a child process of the test, with its stdout and stderr in a file, so
 * tests can signal it ({@code kill -9}, SIGSTOP, SIGTERM) and read what it logged.
 */
public final class WorkerProcess implements AutoCloseable {
  private static final String WORKER_MAIN = "dev.tended.worker.WorkerMain";
  private final Process process;
  private final Path output;

  private WorkerProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** The java running these tests: the same one runs the jars. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** The built worker jar (set by the build as {@code tended.workerJar}). */
  public static Path workerJar() {
    return Path.of(System.getProperty("tended.workerJar", "target/tended-worker.jar")).toAbsolutePath();
  }

  /** Starts {@code java -jar jar args...} with {@code env} added; output goes to {@code output}. */
  public static WorkerProcess start(Path jar, List<String> args, Map<String, String> env, Path output)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", jar.toString()));
    cmd.addAll(args);
    return startCommand(cmd, env, output);
  }

  /**
   * The test entry point of a worker that the test kit's faults can reach: the worker's own main
   * class, with this kit on its class path, so the core finds the kit's {@code FileOpsWrapper} and
   * {@code QueueSourceWrapper} services. The shipped jar alone has neither.
   */
  public static List<String> faultableWorkerCommand(Path workerJar) {
    return List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", workerJar + java.io.File.pathSeparator + testkitClassPath(), WORKER_MAIN);
  }

  /** Where this kit's classes are (its jar, or its classes folder in a build). */
  public static String testkitClassPath() {
    try {
      return Path.of(WorkerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate the test kit's classes", e);
    }
  }

  /** Starts the worker on {@code config} through {@link #faultableWorkerCommand}. */
  public static WorkerProcess startWorker(Path config, Path output) throws IOException {
    return startWorker(config, Map.of(), output);
  }

  /** Starts the worker on {@code config} through {@link #faultableWorkerCommand}, {@code env} added. */
  public static WorkerProcess startWorker(Path config, Map<String, String> env, Path output) throws IOException {
    List<String> cmd = new ArrayList<>(faultableWorkerCommand(workerJar()));
    cmd.addAll(List.of("--config", config.toString()));
    return startCommand(cmd, env, output);
  }

  private static WorkerProcess startCommand(List<String> cmd, Map<String, String> env, Path output)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.environment().putAll(env);
    return new WorkerProcess(pb.start(), output);
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything it has printed so far. */
  public String output() throws IOException {
    return Files.exists(output) ? Files.readString(output) : "";
  }

  /** Sends a signal by name ({@code KILL}, {@code STOP}, {@code CONT}, {@code TERM}). */
  public void signal(String name) throws IOException, InterruptedException {
    signal(pid(), name);
  }

  /** Sends a signal by name to any pid. */
  public static void signal(long pid, String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + pid + " failed");
    }
  }

  /** Waits for the process to exit and returns its exit code. */
  public int awaitExit(Duration limit) {
    await().atMost(limit).until(() -> !process.isAlive());
    return process.exitValue();
  }

  /** SIGKILLs it and its descendants (if still running). */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
