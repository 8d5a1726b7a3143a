package dev.tended.supervisor.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Jars;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real {@code tended-supervisor.jar supervise} running as a child of the test, with the helpers
 * the integration tests share: who is the worker now, what the supervisor logged, which stall
 * records exist, and one-shot runs of the operator commands. Closing it kills whatever is left.
 */
final class Supervisor implements AutoCloseable {
  private final WorkerProcess process;
  private final Path dataDir;
  private final StatusProbe status;
  private final List<Long> workersSeen = new ArrayList<>();

  private Supervisor(WorkerProcess process, Path dataDir) {
    this.process = process;
    this.dataDir = dataDir;
    this.status = new StatusProbe(dataDir.resolve("status.json"));
  }

  static Path jar() {
    return Jars.find().requireSupervisor();
  }

  /** Starts {@code supervise --config config}; the worker inherits {@code env}. */
  static Supervisor start(Path config, Path dataDir, Map<String, String> env) throws IOException {
    return new Supervisor(WorkerProcess.start(jar(), List.of("supervise", "--config", config.toString()), env,
        config.resolveSibling("supervisor.out")), dataDir);
  }

  /**
   * What systemd would run as the worker unit in systemctl mode: the stand-in worker {@code script}
   * under {@code /bin/sh}, writing {@code status}; not the supervisor's child.
   */
  static Process startStandInUnit(Path script, Path status) throws IOException {
    ProcessBuilder unit = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    unit.environment().put("STATUS", status.toString());
    return unit.start();
  }

  WorkerProcess process() {
    return process;
  }

  Optional<WorkerStatus> status() {
    return status.read();
  }

  /** Waits until a worker other than {@code notPid} has written two advancing beats; returns its pid. */
  long awaitBeatingWorker(long notPid, Duration limit) {
    long[] seen = {-1, -1};
    await().atMost(limit).pollInterval(Duration.ofMillis(50)).until(() -> {
      Optional<WorkerStatus> s = status.read();
      if (s.isEmpty() || s.get().pid() == notPid || !"running".equals(s.get().state())) {
        return false;
      }
      if (seen[0] != s.get().pid()) {
        seen[0] = s.get().pid();
        seen[1] = s.get().sequence();
        return false;
      }
      return s.get().sequence() > seen[1];
    });
    workersSeen.add(seen[0]);
    return seen[0];
  }

  /** The worker pid the supervisor's state file names, or -1. */
  long workerPidFromState() {
    try {
      JsonNode n = StatusFiles.mapper().readTree(Files.readAllBytes(dataDir.resolve("supervisor-state.json")));
      return n.path("workerPid").isNumber() ? n.path("workerPid").asLong() : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  String log() throws IOException {
    return process.output();
  }

  /** The stall records written so far, oldest first (their names carry their UTC time). */
  List<Path> stallRecords() throws IOException {
    List<Path> out = new ArrayList<>();
    Path dir = dataDir.resolve("diagnostics");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "stall-*.txt")) {
      ds.forEach(out::add);
    }
    out.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
    return out;
  }

  /** Runs a one-shot command of the supervisor jar to completion. */
  static Result run(String... args) throws IOException, InterruptedException {
    return runAs(List.of(), args);
  }

  /** Runs a one-shot command behind {@code prefix} (e.g. {@code setpriv} to run it as another user). */
  static Result runAs(List<String> prefix, String... args) throws IOException, InterruptedException {
    List<String> rest = new ArrayList<>(List.of("-jar", jar().toString()));
    rest.addAll(List.of(args));
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(JvmFlags.forTests().command(rest));
    WorkerProcess.Finished f = WorkerProcess.runToEnd(cmd, Map.of(), Duration.ofSeconds(60));
    return new Result(f.exitCode(), f.out(), f.err());
  }

  record Result(int exitCode, String out, String err) {
    JsonNode json() throws IOException {
      return StatusFiles.mapper().readTree(out);
    }
  }

  @Override
  public void close() {
    process.close();
    for (long pid : workersSeen) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
