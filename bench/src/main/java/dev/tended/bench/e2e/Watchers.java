package dev.tended.bench.e2e;

import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The two things that can restart a worker in the side-by-side figures, set up on a rig's data
 * folder: tended's own supervisor, and monit configured the usual way (a {@code check file} on
 * {@code status.json} with {@code if timestamp > N seconds then exec} a restart script). Both go
 * through {@link Watcher}.
 */
public final class Watchers {
  private Watchers() {}

  /** A restarter of workers running beside a rig. */
  public interface Watcher extends AutoCloseable {
    /** The watcher's own process (for RSS and CPU). */
    long pid();

    /** Epoch nanoseconds of each restart the watcher started, when it tells; empty otherwise. */
    List<Long> restartsStartedAt() throws IOException;

    @Override
    void close();
  }

  /** The rig's supervisor section for a watcher that acts after {@code staleAfter}. */
  public static String supervisorSection(int staleAfterSeconds, List<String> workerCommand) {
    String cmd = workerCommand.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", ", "[", "]"));
    return "{ staleAfter: " + staleAfterSeconds + "s, startupGrace: 20s, stopGrace: 4s,"
        + " restartBackoff: { initial: 1s, max: 5s }, restartWith: child, workerCommand: " + cmd + " }";
  }

  /** Starts {@code tended-supervisor.jar supervise} on the rig's configuration; it starts the worker. */
  public static Watcher supervisor(Path jar, JvmFlags flags, TestConfig config) throws IOException {
    WorkerProcess p = WorkerProcess.start(flags.command(List.of("-XX:HeapDumpPath=" + config.dataDir(), "-jar",
        jar.toString(), "supervise", "--config", config.file().toString())), Map.of(),
        config.dir().resolve("supervisor.out"));
    return new Watcher() {
      @Override
      public long pid() {
        return p.pid();
      }

      @Override
      public List<Long> restartsStartedAt() {
        return List.of();
      }

      @Override
      public void close() {
        try {
          p.stop(Duration.ofSeconds(20));
        } catch (IOException e) {
          p.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          p.close();
        }
      }
    };
  }

  /**
   * Starts monit in the foreground with a generated control file in {@code <rig>/monit}, after
   * starting the worker with a start script that keeps its pid in {@code worker.pid}; monit's
   * restart script SIGKILLs that pid and runs the start script again.
   */
  public static Watcher monit(TestConfig config, List<String> workerCommand, int staleAfterSeconds) throws IOException {
    Path dir = config.dir().resolve("monit");
    Files.createDirectories(dir);
    Path pidFile = dir.resolve("worker.pid");
    Path restarts = dir.resolve("restarts");
    String cmd = workerCommand.stream().map(Watchers::shellQuote).collect(Collectors.joining(" "));
    Path start = TestConfig.executable(dir.resolve("start-worker.sh"), """
        #!/bin/sh
        cd %s || exit 1
        nohup %s >> %s 2>&1 < /dev/null &
        echo $! > %s
        """.formatted(shellQuote(config.dataDir().toString()), cmd,
        shellQuote(config.dir().resolve("worker.out").toString()), shellQuote(pidFile.toString())));
    Path restart = TestConfig.executable(dir.resolve("restart-worker.sh"), """
        #!/bin/sh
        date +%%s%%N >> %1$s
        pid=$(cat %2$s 2>/dev/null)
        if [ -n "$pid" ]; then
          kill -9 "$pid" 2>/dev/null
          # until it is gone or a zombie (nobody may reap it soon; a zombie holds no locks)
          i=0
          while [ -e "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] && [ $i -lt 100 ]; do
            sleep 0.05; i=$((i+1))
          done
        fi
        exec %3$s
        """.formatted(shellQuote(restarts.toString()), shellQuote(pidFile.toString()), shellQuote(start.toString())));
    Path rc = dir.resolve("monitrc");
    Files.writeString(rc, """
        set daemon 1
        set logfile %1$s/monit.log
        set pidfile %1$s/monit.pid
        set idfile %1$s/monit.id
        set statefile %1$s/monit.state
        check file tended-status with path %2$s
          if timestamp > %3$d seconds then exec "%4$s"
        """.formatted(dir, config.statusFile(), staleAfterSeconds, restart));
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
    runScript(start);
    WorkerProcess monit = WorkerProcess.start(List.of("monit", "-I", "-c", rc.toString()), Map.of(),
        dir.resolve("monit.out"));
    return new Watcher() {
      @Override
      public long pid() {
        return monit.pid();
      }

      @Override
      public List<Long> restartsStartedAt() throws IOException {
        return Files.exists(restarts)
            ? Files.readAllLines(restarts).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.trim())).toList()
            : List.of();
      }

      @Override
      public void close() {
        monit.close();
        try {
          if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
          }
        } catch (IOException | NumberFormatException e) {
          // nothing left to stop
        }
      }
    };
  }

  /** Whether monit is installed. */
  public static boolean monitInstalled() {
    try {
      Process p = new ProcessBuilder("monit", "-V").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void runScript(Path script) throws IOException {
    try {
      Process p = new ProcessBuilder(script.toString()).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IOException(script + " exited " + p.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
