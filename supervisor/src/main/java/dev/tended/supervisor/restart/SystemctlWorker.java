package dev.tended.supervisor.restart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code restartWith: systemctl}: the worker is a unit of its own; systemd starts it, restarts it when
 * it crashes and kills its control group. The supervisor only restarts it when its heartbeat stalls,
 * with {@code <systemctl> restart <unit>}. The program is {@code systemctl} unless the environment
 * names another in {@code TENDED_SYSTEMCTL} (tests use a stand-in that records its arguments).
 */
final class SystemctlWorker implements WorkerControl {
  private static final Logger log = LoggerFactory.getLogger(SystemctlWorker.class);

  private final String systemctl;
  private final String unit;
  private final Duration timeout;

  SystemctlWorker(String systemctl, String unit, Duration timeout) {
    this.systemctl = systemctl;
    this.unit = unit;
    this.timeout = timeout;
  }

  @Override
  public String mode() {
    return "systemctl";
  }

  @Override
  public OptionalLong startInitially() {
    log.info("worker_adopted unit={} systemctl={}", unit, systemctl);
    return OptionalLong.empty();
  }

  @Override
  public OptionalLong relaunch() throws IOException {
    List<String> argv = List.of(systemctl, "restart", unit);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output;
    try (InputStream in = p.getInputStream()) {
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + ": no answer within " + timeout.toMillis() + " ms");
      }
      output = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException(String.join(" ", argv) + ": interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", argv) + ": exit code " + p.exitValue() + ": " + output);
    }
    log.info("worker_unit_restarted unit={} output=\"{}\"", unit, output.replace('\n', ' '));
    return OptionalLong.empty();
  }

  @Override
  public OptionalInt exitCode() {
    return OptionalInt.empty();
  }

  @Override
  public OptionalLong pid() {
    return OptionalLong.empty();
  }

  @Override
  public boolean owns(long statusPid) {
    return true;
  }

  @Override
  public Optional<ProcessHandle> evidenceProcess(OptionalLong statusPid) {
    if (statusPid.isEmpty()) {
      return Optional.empty();
    }
    return ProcessHandle.of(statusPid.getAsLong()).filter(ProcessHandle::isAlive);
  }

  @Override
  public void stopForRestart() {
    // systemctl restart stops the unit's whole control group itself.
  }

  @Override
  public void stop() {
    // The unit outlives the supervisor; systemd owns its lifecycle.
  }
}
