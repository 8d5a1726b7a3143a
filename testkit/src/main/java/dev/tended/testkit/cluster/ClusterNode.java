package dev.tended.testkit.cluster;

import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node of a {@link ClusterRig}: a worker with its own data folder and configuration (its
 * {@code ledger.node} name, the shared database, the shared queue folder), started as the real jar,
 * and what a test does to a host: start it, kill it as a host dies (the worker and every handler it
 * started, at once), freeze and thaw it ({@code SIGSTOP}/{@code SIGCONT}), stop it with SIGTERM, and
 * read what it logged. It exists so that a cluster test says "kill n2" rather than juggling pids.
 *
 * <p>Not thread-safe: owned by the test that made the rig.
 */
public final class ClusterNode implements AutoCloseable {
  private final String name;
  private final TestConfig config;
  private WorkerProcess worker;
  private int runs;

  ClusterNode(String name, TestConfig config) {
    this.name = Objects.requireNonNull(name);
    this.config = Objects.requireNonNull(config);
  }

  /** Its {@code ledger.node}, e.g. {@code n2}. */
  public String name() {
    return name;
  }

  public TestConfig config() {
    return config;
  }

  public Path dataDir() {
    return config.dataDir();
  }

  public StatusProbe status() {
    return new StatusProbe(config.statusFile());
  }

  /** The running (or last) worker; fails when it was never started. */
  public WorkerProcess worker() {
    if (worker == null) {
      throw new IllegalStateException("node " + name + " was never started");
    }
    return worker;
  }

  /** Whether its worker was started and has not exited. */
  public boolean alive() {
    return worker != null && worker.isAlive();
  }

  /** Starts its worker (the test entry point of the real jar); each start has an output file of its own. */
  public ClusterNode start() throws IOException {
    return start(WorkerProcess.faultableWorkerCommand(WorkerProcess.workerJar(), config.file()));
  }

  /**
   * Starts its worker with {@code command} (which must name {@link TestConfig#file() its configuration}),
   * e.g. the shipped jar with the deployment's JVM options, as the benchmark measures it.
   */
  public ClusterNode start(List<String> command) throws IOException {
    if (alive()) {
      throw new IllegalStateException("node " + name + " runs already (pid " + worker.pid() + ")");
    }
    runs++;
    worker = WorkerProcess.start(command, Map.of(), config.dir().resolve("worker-" + runs + ".out"));
    return this;
  }

  /**
   * The host dies: SIGKILL to the worker and to every process it started (the handlers' waiters, the
   * handlers and their children), taken from the process tree before the worker goes, so that no
   * handler outlives its host and finishes unseen.
   */
  public void killHost() throws IOException, InterruptedException {
    List<ProcessHandle> tree = worker().process().descendants().toList();
    worker.signal("KILL");
    for (ProcessHandle p : tree) {
      p.destroyForcibly();
    }
    worker.waitFor(Duration.ofSeconds(30));
  }

  /** Only the worker is killed ({@code kill -9}); its handlers go on, as when a worker crashes. */
  public void killWorker() throws IOException, InterruptedException {
    worker().signal("KILL");
    worker.waitFor(Duration.ofSeconds(30));
  }

  /** SIGSTOP to the worker: it neither renews nor records, its handlers run on (a VM pause of the JVM). */
  public void freeze() throws IOException, InterruptedException {
    worker().signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  public void thaw() throws IOException, InterruptedException {
    worker().signal("CONT");
  }

  /** SIGTERM and waits; its exit code, or -1 when it had to be killed. */
  public int stop(Duration limit) throws IOException, InterruptedException {
    return worker == null ? 0 : worker.stop(limit);
  }

  /** Everything every run of its worker printed (one event a line), oldest first. */
  public String log() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= runs; i++) {
      Path out = config.dir().resolve("worker-" + i + ".out");
      if (Files.exists(out)) {
        b.append(Files.readString(out));
      }
    }
    return b.toString();
  }

  /** The lines of its log with the event {@code event} (the name as a whole word after the thread). */
  public List<String> events(String event) throws IOException {
    Pattern p = Pattern.compile("\\] " + Pattern.quote(event) + "( |$)");
    return log().lines().filter(l -> p.matcher(l).find()).toList();
  }

  /** The sum of the numeric field {@code field} over its {@code event} lines, e.g. {@code new} of {@code poll_found}. */
  public long sumOf(String event, String field) throws IOException {
    Pattern p = Pattern.compile("(?:^| )" + Pattern.quote(field) + "=(\\d+)");
    long sum = 0;
    for (String line : events(event)) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        sum += Long.parseLong(m.group(1));
      }
    }
    return sum;
  }

  /** The end of its log, for a failed test's message. */
  public String logTail(int lines) throws IOException {
    List<String> all = log().lines().toList();
    return "--- " + name + " (last " + lines + " lines) ---\n"
        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Kills whatever of it still runs (the worker and its descendants; SIGKILL ends a frozen one too). */
  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
  }

  @Override
  public String toString() {
    return name + (alive() ? " (pid " + worker.pid() + ")" : " (not running)");
  }
}
