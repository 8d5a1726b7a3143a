package dev.tended.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the product's jars (or monit) running as a child of the benchmark, output to a file, so it
 * can be signalled and measured. {@link #close()} SIGKILLs it and what it started, so a failed
 * benchmark leaves nothing behind.
 */
public final class JarProcess implements AutoCloseable {
  private final Process process;
  private final long startedNanos;

  private JarProcess(Process process, long startedNanos) {
    this.process = process;
    this.startedNanos = startedNanos;
  }

  /** Starts {@code command}, appending its output to {@code output}. */
  public static JarProcess start(List<String> command, Path output) throws IOException {
    return start(command, output, Map.of());
  }

  /** Starts {@code command} with {@code env} added to this process's environment, output appended to {@code output}. */
  public static JarProcess start(List<String> command, Path output, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    return new JarProcess(pb.start(), t0);
  }

  public long pid() {
    return process.pid();
  }

  /** {@link System#nanoTime()} just before the process was started. */
  public long startedNanos() {
    return startedNanos;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a signal by name ({@code KILL}, {@code STOP}, {@code TERM}) to {@code pid}. */
  public static void signal(long pid, String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + pid + " failed");
    }
  }

  /** Waits up to {@code seconds} for the process to end; returns its exit code, or empty if it still runs. */
  public java.util.OptionalInt awaitExit(int seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? java.util.OptionalInt.of(process.exitValue())
        : java.util.OptionalInt.empty();
  }

  /** SIGTERM, then waits up to {@code seconds} for it to exit; returns its exit code or -1. */
  public int stop(int seconds) throws IOException, InterruptedException {
    if (process.isAlive()) {
      signal(pid(), "TERM");
    }
    if (process.waitFor(seconds, TimeUnit.SECONDS)) {
      return process.exitValue();
    }
    close();
    return -1;
  }

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
