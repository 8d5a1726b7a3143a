package dev.tended.reliability;

import dev.tended.bench.JvmFlags;
import dev.tended.bench.RigConfig;
import dev.tended.bench.e2e.JarProcess;
import dev.tended.bench.e2e.StatusWatch;
import dev.tended.status.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One scenario's folder: its configuration (short timings), handler scripts, data folder, and the
 * worker jar run as a child process with the launcher's JVM options. Not thread-safe; owned by its
 * scenario. {@link #close()} kills whatever it started.
 */
final class Rig implements AutoCloseable {
  private final Path dir;
  private final Suite suite;
  private final List<String> sources = new ArrayList<>();
  private final StatusWatch status;
  private String heartbeat = "200ms";
  private String extraTopLevel = "";
  private String supervisor = "{ staleAfter: 10s, startupGrace: 30s, stopGrace: 4s }";
  private JarProcess worker;

  Rig(Suite suite, String name) throws IOException {
    this.suite = suite;
    this.dir = Files.createDirectories(suite.work().resolve(name));
    this.status = new StatusWatch(dataDir().resolve("status.json"));
  }

  Path dir() {
    return dir;
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  Path configFile() {
    return dir.resolve("tended.yaml");
  }

  StatusWatch status() {
    return status;
  }

  JarProcess worker() {
    return worker;
  }

  /** Adds a source: a YAML mapping body without the leading dash, lines after the first indented by 4. */
  Rig source(String body) {
    sources.add(body);
    return this;
  }

  Rig heartbeat(String interval) {
    heartbeat = interval;
    return this;
  }

  /** The supervisor section as a YAML flow mapping. */
  Rig supervisor(String flow) {
    supervisor = flow;
    return this;
  }

  /** More top-level YAML, e.g. a {@code logging:} section. */
  Rig extra(String yaml) {
    extraTopLevel = yaml;
    return this;
  }

  /** A json-queue source with a long retry budget, so only the fault under test decides. */
  static String jsonQueue(String name, String path, int concurrency, Path handler, String handlerExtra) {
    return """
        name: %s
            type: json-queue
            path: %s
            pollInterval: 200ms
            concurrency: %d
            handler: { command: ["%s"], timeout: 30s, killGrace: 500ms%s }
            retry: { maxAttempts: 1000, initialBackoff: 100ms, maxBackoff: 1s }
        """.formatted(name, path, concurrency, handler, handlerExtra);
  }

  /** A handler script: records its run, reads its input, then runs {@code body}. */
  Path handler(String name, String body) throws IOException {
    return RigConfig.executable(dir.resolve(name), "#!/bin/sh\n" + RunLog.recordLine(runLog()) + "\n"
        + "cat > /dev/null\n" + body + "\n");
  }

  Path runLog() {
    return dir.resolve("runs.log");
  }

  Path write() throws IOException {
    Files.createDirectories(dataDir());
    StringBuilder y = new StringBuilder();
    y.append("dataDir: ").append(dataDir()).append('\n');
    y.append("heartbeat: { file: status.json, interval: ").append(heartbeat).append(" }\n");
    y.append("sources:\n");
    for (String s : sources) {
      y.append("  - ").append(s.stripTrailing()).append('\n');
    }
    y.append("supervisor: ").append(supervisor).append('\n');
    y.append(extraTopLevel);
    Files.writeString(configFile(), y.toString());
    return configFile();
  }

  /** Starts the worker (output appended to {@code worker.out}) without waiting. */
  JarProcess start(List<String> jvmExtra, Map<String, String> env) throws IOException {
    return start(List.of(), jvmExtra, env);
  }

  /** Starts the worker through {@code prefix} (e.g. {@code setpriv … --}) without waiting. */
  JarProcess startAs(List<String> prefix) throws IOException {
    return start(prefix, List.of(), Map.of());
  }

  private JarProcess start(List<String> prefix, List<String> jvmExtra, Map<String, String> env) throws IOException {
    List<String> rest = new ArrayList<>(jvmExtra);
    rest.addAll(List.of("-XX:HeapDumpPath=" + dir, "-jar", suite.jars().worker().toString(),
        "--config", configFile().toString()));
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(JvmFlags.optionsFile(suite.jars().jvmOptions()).command(rest));
    worker = JarProcess.start(cmd, output(), env);
    return worker;
  }

  /** Starts {@code tended supervise} on this rig (it starts the worker); output appended to {@code supervisor.out}. */
  JarProcess supervise() throws IOException {
    Path jar = suite.jars().supervisor()
        .orElseThrow(() -> new IllegalStateException("supervisor jar not built"));
    List<String> cmd = JvmFlags.optionsFile(suite.jars().jvmOptions()).command(List.of("-jar", jar.toString(),
        "supervise", "--config", configFile().toString()));
    return JarProcess.start(cmd, dir.resolve("supervisor.out"), Map.of());
  }

  /** Starts the worker and waits for its first beat; returns milliseconds from start to that beat. */
  long startAndAwaitBeat() throws IOException, InterruptedException, TimeoutException {
    JarProcess p = start(List.of(), Map.of());
    return awaitBeat(p, Duration.ofSeconds(60));
  }

  /** Waits for a beat of {@code p}; returns milliseconds from its start to that beat. */
  long awaitBeat(JarProcess p, Duration limit) throws InterruptedException, TimeoutException {
    StatusWatch.Seen seen = status.await(StatusWatch.beatOf(p.pid()), limit);
    return (seen.atNanos() - p.startedNanos()) / 1_000_000;
  }

  /** Waits for a status that satisfies {@code condition}. */
  WorkerStatus await(java.util.function.Predicate<WorkerStatus> condition, Duration limit)
      throws InterruptedException, TimeoutException {
    return status.await(condition, limit).status();
  }

  Path output() {
    return dir.resolve("worker.out");
  }

  /** The worker's output so far. */
  String outputText() throws IOException {
    return Files.exists(output()) ? Files.readString(output()) : "";
  }

  /** SIGTERM and wait; returns the exit code (-1 when it had to be killed). */
  int stop() throws IOException, InterruptedException {
    return worker == null ? 0 : worker.stop(30);
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
  }
}
