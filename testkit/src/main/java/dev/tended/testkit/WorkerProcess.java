package dev.tended.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One of the product's programs (the worker, the supervisor, or anything a test starts in their
 * place) running as a child process, with its stdout and stderr in a file, so that tests, the
 * benchmark and the fault suite can signal it ({@code kill -9}, SIGSTOP, SIGTERM), time it and read
 * what it logged. The one way they all start the real jars. {@link #close()} SIGKILLs it and what it
 * started, so a failed run leaves nothing behind.
 *
 * <p>Not thread-safe beyond what {@link Process} is; owned by the test or scenario that started it.
 */
public final class WorkerProcess implements AutoCloseable {
  private static final String WORKER_MAIN = "dev.tended.worker.WorkerMain";
  private final Process process;
  private final Path output;
  private final long startedNanos;

  private WorkerProcess(Process process, Path output, long startedNanos) {
    this.process = process;
    this.output = output;
    this.startedNanos = startedNanos;
  }

  /** The java running these tests: the same one runs the jars. */
  public static String java() {
    return JvmFlags.java();
  }

  /** The built worker jar ({@value Jars#WORKER_JAR_PROPERTY}, else the build's, see {@link Jars}). */
  public static Path workerJar() {
    return Jars.find().worker();
  }

  /** Starts {@code java -jar jar args...} with the tests' JVM options and {@code env} added; output goes to {@code output}. */
  public static WorkerProcess start(Path jar, List<String> args, Map<String, String> env, Path output)
      throws IOException {
    List<String> rest = new ArrayList<>(List.of("-jar", jar.toString()));
    rest.addAll(args);
    return start(JvmFlags.forTests().command(rest), env, output);
  }

  /** Starts {@code command} with {@code env} added to this process's environment, output appended to {@code output}. */
  public static WorkerProcess start(List<String> command, Map<String, String> env, Path output) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    return new WorkerProcess(pb.start(), output, t0);
  }

  /**
   * The test entry point of a worker that the test kit's faults can reach: the worker's own main
   * class, with this kit on its class path ({@link Jars#faultableClassPath}), so the core finds the
   * kit's {@code FileOpsWrapper} and {@code QueueSourceWrapper} services. The shipped jar alone has
   * neither. Append {@code --config FILE}.
   */
  public static List<String> faultableWorkerCommand(Path workerJar) {
    return faultableWorkerCommand(JvmFlags.forTests(), workerJar);
  }

  /** {@link #faultableWorkerCommand(Path)} with {@code --config config}: a whole {@code workerCommand}. */
  public static List<String> faultableWorkerCommand(Path workerJar, Path config) {
    List<String> cmd = new ArrayList<>(faultableWorkerCommand(workerJar));
    cmd.addAll(List.of("--config", config.toString()));
    return cmd;
  }

  /** {@link #faultableWorkerCommand(Path)} with other JVM options. Append {@code --config FILE}. */
  public static List<String> faultableWorkerCommand(JvmFlags flags, Path workerJar) {
    return flags.command(List.of("-cp", Jars.faultableClassPath(workerJar), WORKER_MAIN));
  }

  /** Where this kit's classes are for a worker's class path (see {@link Jars#testkit()}). */
  public static String testkitClassPath() {
    return Jars.testkit();
  }

  /** Starts the worker on {@code config} through {@link #faultableWorkerCommand}. */
  public static WorkerProcess startWorker(Path config, Path output) throws IOException {
    return startWorker(config, Map.of(), output);
  }

  /** Starts the worker on {@code config} through {@link #faultableWorkerCommand}, {@code env} added. */
  public static WorkerProcess startWorker(Path config, Map<String, String> env, Path output) throws IOException {
    return start(faultableWorkerCommand(workerJar(), config), env, output);
  }

  /** What a command run to its end ({@link #runToEnd}) printed and returned. */
  public record Finished(int exitCode, String out, String err) {}

  /**
   * Runs a short command (an operator command such as {@code status} or {@code recover-ledger}) to its
   * end with stdin closed, keeping stdout and stderr apart; kills it and throws when it takes longer
   * than {@code limit}.
   */
  public static Finished runToEnd(List<String> command, Map<String, String> env, Duration limit)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IOException("did not end within " + limit + ": " + command);
    }
    try {
      return new Finished(p.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err.get(), StandardCharsets.UTF_8));
    } catch (ExecutionException e) {
      throw new IOException("reading the stderr of " + command, e.getCause());
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  /** {@link System#nanoTime()} just before the process was started. */
  public long startedNanos() {
    return startedNanos;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The file its stdout and stderr go to. */
  public Path outputFile() {
    return output;
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

  /** Waits for the process to exit and returns its exit code; fails the test after {@code limit}. */
  public int awaitExit(Duration limit) {
    await().atMost(limit).until(() -> !process.isAlive());
    return process.exitValue();
  }

  /** Waits up to {@code limit} for the process to end; its exit code, or empty while it still runs. */
  public OptionalInt waitFor(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  /** SIGTERM, then waits up to {@code limit} for it to exit; its exit code, or -1 when it had to be killed. */
  public int stop(Duration limit) throws IOException, InterruptedException {
    if (process.isAlive()) {
      signal(pid(), "TERM");
    }
    OptionalInt exit = waitFor(limit);
    if (exit.isPresent()) {
      return exit.getAsInt();
    }
    close();
    return -1;
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
