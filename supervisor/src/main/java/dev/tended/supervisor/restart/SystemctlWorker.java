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
 * with {@code <systemctl> restart <unit>}, and hands it over at a reload with {@code <systemctl> reload
 * <unit>}. The program is {@code systemctl} unless the environment
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
    String output = systemctl("restart");
    log.info("worker_unit_restarted unit={} output=\"{}\"", unit, output.replace('\n', ' '));
    return OptionalLong.empty();
  }

  /**
   * {@code systemctl reload <unit>}: the unit's {@code ExecReload=} sends the worker SIGHUP; it hands
   * over and exits 75, and systemd starts it again ({@code RestartForceExitStatus=75}) with its
   * handlers left running ({@code KillMode=process}).
   */
  @Override
  public HandOver handOver(Duration limit) throws IOException {
    long started = System.nanoTime();
    String output = systemctl("reload");
    log.info("worker_unit_reloaded unit={} output=\"{}\"", unit, output.replace('\n', ' '));
    return new HandOver("asked", null, (System.nanoTime() - started) / 1_000_000);
  }

  /** Runs {@code systemctl VERB unit} within the timeout; returns its output, throws when it failed. */
  private String systemctl(String verb) throws IOException {
    List<String> argv = List.of(systemctl, verb, unit);
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
    return output;
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
    // systemctl restart stops the main process (KillMode=process): the handlers it ran stay in the unit.
  }

  @Override
  public void stop() {
    // The unit outlives the supervisor; systemd owns its lifecycle.
  }
}
