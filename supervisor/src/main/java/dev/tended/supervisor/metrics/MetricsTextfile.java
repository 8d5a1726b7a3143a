package dev.tended.supervisor.metrics;

import dev.tended.config.TendedConfig;
import dev.tended.io.AtomicFiles;
import dev.tended.logging.Kv;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's writer of {@code metrics.textfile}, for node_exporter's textfile collector: on its
 * own thread ({@code metrics}, never the watch loop's), every {@code heartbeat.interval} it rewrites the
 * file atomically (a temporary file in the same folder, renamed over it; mode {@code 0644} whatever the
 * umask, so node_exporter's user can read it). The supervisor writes it, not the worker: the heartbeat's
 * age is measured from outside the worker and keeps growing while the worker hangs. A write that fails
 * is logged once ({@code metrics_write_failed}) until one succeeds again ({@code metrics_write_recovered});
 * the next interval tries again. After {@link #stop()} one last exposition is written (the worker's final
 * status), then the file is left for node_exporter, whose {@code node_textfile_mtime_seconds} tells its age.
 *
 * <p>The configuration is replaced by {@link #reconfigure} at a reload (any thread); everything else is
 * owned by the {@code metrics} thread.
 */
public final class MetricsTextfile {
  private static final Logger log = LoggerFactory.getLogger(MetricsTextfile.class);
  static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

  private final Clock wall;
  private final Semaphore wake = new Semaphore(0);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Thread thread = new Thread(this::run, "metrics");
  private volatile TendedConfig config;
  /** The last failure's description, null while writes succeed; the metrics thread's. */
  private String failing;

  public MetricsTextfile(TendedConfig config, Clock wall) {
    this.config = Objects.requireNonNull(config);
    this.wall = Objects.requireNonNull(wall);
    thread.setDaemon(true);
  }

  /** Starts writing when the configuration names a textfile (else at the first {@link #reconfigure} that does). */
  public void start() {
    if (config.metrics().textfile() != null && !started.getAndSet(true)) {
      log.info("metrics_textfile_writing file={} interval_ms={}", Kv.q(config.metrics().textfile()),
          config.heartbeat().interval().toMillis());
      thread.start();
    }
  }

  /** From now on writes {@code next}'s exposition to {@code next}'s textfile (a reload accepted). */
  public void reconfigure(TendedConfig next) {
    config = Objects.requireNonNull(next);
    if (!stopping.get()) {
      start();
    }
    wake.release();
  }

  private void run() {
    try {
      removeStaleTemps();
      while (!stopping.get()) {
        writeOnce();
        try {
          wake.tryAcquire(config.heartbeat().interval().toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    } finally {
      writeOnce();
    }
  }

  /** Temporary files a killed supervisor left beside the textfile (this one holds the data folder's lock). */
  private void removeStaleTemps() {
    Path file = config.metrics().textfile();
    try {
      if (file != null) {
        AtomicFiles.removeStaleTemps(file);
      }
    } catch (Exception e) {
      log.debug("metrics_temps_not_removed file={} error={}", Kv.q(file), Kv.q(e.toString()));
    }
  }

  /** One exposition written, or the failure logged; never throws. */
  private void writeOnce() {
    TendedConfig cfg = config;
    Path file = cfg.metrics().textfile();
    if (file == null) {
      return;
    }
    try {
      AtomicFiles.write(file, Metrics.exposition(cfg, wall.instant(), missing -> { }), MODE);
      if (failing != null) {
        log.info("metrics_write_recovered file={}", Kv.q(file));
        failing = null;
      }
    } catch (Exception e) {
      String why = e.toString();
      if (!why.equals(failing)) {
        log.warn("metrics_write_failed file={} error={} action=retry_next_interval", Kv.q(file), Kv.q(why));
        failing = why;
      }
    }
  }

  /** Stops the writing after one last exposition, waiting a bounded time. Idempotent. */
  public void stop() {
    if (stopping.getAndSet(true) || !started.get()) {
      return;
    }
    wake.release();
    try {
      thread.join(STOP_LIMIT.toMillis());
      if (thread.isAlive()) {
        log.warn("metrics_stop_limit_hit limit_ms={}", STOP_LIMIT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
