package dev.tended.reliability;

import dev.tended.status.WorkerStatus;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One scenario's folder: its configuration (short timings, written by the test kit's {@link
 * TestConfig}), handler scripts that record their runs, the data folder, and the worker jar run as a
 * child process ({@link WorkerProcess}) with the launcher's JVM options: as shipped ({@link #start}),
 * or through the test kit's faultable entry point ({@link #startWithFaults}) when a scenario injects
 * faults below the worker's file operations. Measures how long each start takes to its first beat
 * ({@link #slowestStart()}) so that waits can scale with the machine. Not thread-safe; owned by its
 * scenario. {@link #close()} kills whatever it started.
 */
final class Rig implements AutoCloseable {
  /** The least a worker is given to start, however fast earlier starts were. */
  private static final Duration START_FLOOR = Duration.ofSeconds(60);
  /** A start may be this many times slower than the slowest one so far before the rig gives up. */
  private static final int START_SLACK = 10;

  private final Suite suite;
  private final TestConfig config;
  private final StatusProbe status;
  private WorkerProcess worker;
  private long slowestStartMs;

  Rig(Suite suite, String name) throws IOException {
    this.suite = suite;
    this.config = new TestConfig(Files.createDirectories(suite.work().resolve(name))).heartbeatInterval("200ms")
        .supervisor("{ staleAfter: 10s, startupGrace: 30s, stopGrace: 4s }");
    this.status = StatusProbe.tolerant(config.statusFile());
  }

  Path dir() {
    return config.dir();
  }

  Path dataDir() {
    return config.dataDir();
  }

  Path configFile() {
    return config.file();
  }

  StatusProbe status() {
    return status;
  }

  WorkerProcess worker() {
    return worker;
  }

  /** Adds a source: a YAML mapping body without the leading dash, lines after the first indented by 4. */
  Rig source(String body) {
    config.source(body);
    return this;
  }

  Rig heartbeat(String interval) {
    config.heartbeatInterval(interval);
    return this;
  }

  /** The supervisor section as a YAML flow mapping. */
  Rig supervisor(String flow) {
    config.supervisor(flow);
    return this;
  }

  /** More top-level YAML, e.g. a {@code logging:} section. */
  Rig extra(String yaml) {
    config.extra(yaml);
    return this;
  }

  /** A json-queue source with the shipped retry defaults: a figure must not need a test-only budget. */
  static String jsonQueue(String name, String path, int concurrency, Path handler, String handlerExtra) {
    return TestConfig.source("json-queue", name, path, "200ms", TestConfig.handler(handler, "30s", "500ms",
        handlerExtra), List.of("concurrency: " + concurrency));
  }

  /** A handler script: records its run, reads its input, then runs {@code body}. */
  Path handler(String name, String body) throws IOException {
    return TestConfig.executable(dir().resolve(name), "#!/bin/sh\n" + RunLog.recordLine(runLog()) + "\n"
        + "cat > /dev/null\n" + body + "\n");
  }

  Path runLog() {
    return dir().resolve("runs.log");
  }

  Path write() throws IOException {
    return config.write();
  }

  private JvmFlags flags() {
    return JvmFlags.optionsFile(suite.jars().jvmOptions()).plus("jvm.options", "-XX:HeapDumpPath=" + dir());
  }

  /** Starts the shipped worker ({@code java -jar}; output appended to {@code worker.out}) without waiting. */
  WorkerProcess start(List<String> jvmExtra, Map<String, String> env) throws IOException {
    return start(List.of(), jvmExtra, List.of("-jar", suite.jars().requireWorker().toString()), env);
  }

  /**
   * Starts the worker through the test kit's faultable entry point without waiting: {@code env} (e.g.
   * {@code TENDED_TEST_POWERCUT_DIR}) reaches the kit's fault wrappers, which the shipped jar lacks.
   */
  WorkerProcess startWithFaults(Map<String, String> env) throws IOException {
    List<String> faultable = WorkerProcess.faultableWorkerCommand(flags(), suite.jars().requireWorker());
    return startCommand(List.of(), faultable, env);
  }

  /** Starts the shipped worker through {@code prefix} (e.g. {@code setpriv … --}) without waiting. */
  WorkerProcess startAs(List<String> prefix) throws IOException {
    return start(prefix, List.of(), List.of("-jar", suite.jars().requireWorker().toString()), Map.of());
  }

  private WorkerProcess start(List<String> prefix, List<String> jvmExtra, List<String> main, Map<String, String> env)
      throws IOException {
    List<String> rest = new ArrayList<>(jvmExtra);
    rest.addAll(main);
    return startCommand(prefix, flags().command(rest), env);
  }

  private WorkerProcess startCommand(List<String> prefix, List<String> java, Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(java);
    cmd.addAll(List.of("--config", configFile().toString()));
    worker = WorkerProcess.start(cmd, env, output());
    return worker;
  }

  /** Starts {@code tended supervise} on this rig (it starts the worker); output appended to {@code supervisor.out}. */
  WorkerProcess supervise() throws IOException {
    List<String> cmd = flags().command(List.of("-jar", suite.jars().requireSupervisor().toString(),
        "supervise", "--config", configFile().toString()));
    return WorkerProcess.start(cmd, Map.of(), dir().resolve("supervisor.out"));
  }

  /** Starts the shipped worker and waits for its first beat; returns milliseconds from start to that beat. */
  long startAndAwaitBeat() throws IOException, InterruptedException, TimeoutException {
    return awaitBeat(start(List.of(), Map.of()));
  }

  /** Waits for a beat of {@code p} within {@link #startLimit()}; returns milliseconds from its start to that beat. */
  long awaitBeat(WorkerProcess p) throws InterruptedException, TimeoutException {
    return awaitBeat(p, startLimit());
  }

  /** Waits for a beat of {@code p}; returns milliseconds from its start to that beat. */
  long awaitBeat(WorkerProcess p, Duration limit) throws InterruptedException, TimeoutException {
    StatusProbe.Seen seen = status.await(StatusProbe.beatOf(p.pid()), limit);
    long ms = (seen.atNanos() - p.startedNanos()) / 1_000_000;
    slowestStartMs = Math.max(slowestStartMs, ms);
    return ms;
  }

  /** The slowest start to a first beat seen so far, in milliseconds (0 before the first). */
  long slowestStart() {
    return slowestStartMs;
  }

  /** How long a start may take: {@value #START_SLACK} times the slowest so far, at least a minute. */
  Duration startLimit() {
    Duration scaled = Duration.ofMillis(slowestStartMs * START_SLACK);
    return scaled.compareTo(START_FLOOR) > 0 ? scaled : START_FLOOR;
  }

  /** The pace known from this rig's starts so far, for drains that measured nothing else. */
  Pace pace() {
    return Pace.ofStarts(slowestStartMs);
  }

  /** Waits for a status that satisfies {@code condition}. */
  WorkerStatus await(Predicate<WorkerStatus> condition, Duration limit) throws InterruptedException, TimeoutException {
    return status.await(condition, limit).status();
  }

  /**
   * Waits until every item is done for as long as items keep finishing: gives up only when none
   * finished within {@code pace}'s stall limit, which scales with what the run measured.
   */
  WorkerStatus awaitDrained(long total, Pace pace) throws InterruptedException, TimeoutException {
    return status.awaitWhileProgressing(s -> CrashScenario.allDone(s, total), Pace::finished, pace.stallLimit())
        .status();
  }

  Path output() {
    return dir().resolve("worker.out");
  }

  /** The worker's output so far. */
  String outputText() throws IOException {
    return Files.exists(output()) ? Files.readString(output()) : "";
  }

  /** SIGTERM and wait; returns the exit code (-1 when it had to be killed). */
  int stop() throws IOException, InterruptedException {
    return worker == null ? 0 : worker.stop(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
  }
}
