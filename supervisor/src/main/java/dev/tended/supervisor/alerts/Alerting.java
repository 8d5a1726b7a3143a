package dev.tended.supervisor.alerts;

import dev.tended.config.AlertsConfig;
import dev.tended.config.TendedConfig;
import dev.tended.logging.Kv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's alerts, a long-lived part of {@code tended supervise} beside the watching: every
 * {@code heartbeat.interval}, on its own thread ({@code alerts}), it reads what the alerts are judged
 * from, judges them ({@link AlertConditions}) and records the transitions in the {@link AlertBook}
 * ({@code alerts-state.json}); a second thread ({@code alert-command}, {@link AlertSender}) runs
 * {@code alerts.command} for each notification. Neither ever runs on the watch thread, so a command
 * that hangs delays no restart. Without a command, alerts are only logged.
 */
public final class Alerting {
  private static final Logger log = LoggerFactory.getLogger(Alerting.class);
  static final Duration RETRY_INITIAL = Duration.ofSeconds(10);
  static final Duration RETRY_MAX = Duration.ofMinutes(5);

  private final AlertBook book;
  private final AlertInputs inputs;
  private final AlertConditions conditions;
  private final AlertSender sender;
  private final Clock wall;
  private final Duration every;
  /** The command's program only: its arguments may carry what the logs should not. */
  private final String program;
  private final ScheduledExecutorService evaluation;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  Alerting(TendedConfig config, Clock wall, Duration retryInitial) {
    AlertsConfig alerts = config.alerts();
    this.wall = wall;
    this.every = config.heartbeat().interval();
    this.program = alerts.hasCommand() ? alerts.command().get(0) : "none";
    this.book = AlertBook.load(config.alertsStateFile(), alerts.repeatEvery(), alerts.hasCommand());
    this.inputs = new AlertInputs(config);
    this.conditions = new AlertConditions(alerts.stuckAfter(), config.diagnosticsDir());
    this.sender = alerts.hasCommand()
        ? new AlertSender(book, new AlertCommand(alerts.command(), alerts.timeout(), host(),
            config.dataDir().resolve("alert-command.stderr")), wall, retryInitial, RETRY_MAX,
            alerts.timeout().plus(Duration.ofSeconds(5)))
        : null;
    this.evaluation = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "alerts");
      t.setDaemon(true);
      return t;
    });
  }

  /** The alerts of {@code config}, not yet started. */
  public static Alerting of(TendedConfig config) {
    return new Alerting(config, Clock.systemUTC(), RETRY_INITIAL);
  }

  /** Starts the evaluation (first after one {@code heartbeat.interval}) and the sending. */
  public void start() {
    if (started.getAndSet(true)) {
      throw new IllegalStateException("already started");
    }
    log.info("alerts_started command={} every_ms={} firing={} undelivered={}",
        sender == null ? "none" : Kv.q(program), every.toMillis(), book.firing().size(), book.outbox().size());
    if (sender != null) {
      sender.start();
    }
    evaluation.scheduleWithFixedDelay(this::evaluate, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One evaluation; guarded, so the next one runs whatever this one met. */
  void evaluate() {
    try {
      List<Notification> queued = book.apply(conditions.judge(inputs.read()), wall.instant());
      if (!queued.isEmpty() && sender != null) {
        sender.wake();
      }
    } catch (Throwable t) {
      log.error("alert_evaluation_failed error={}", Kv.q(t.toString()), t);
      if (t instanceof Error && !(t instanceof AssertionError) && !(t instanceof StackOverflowError)) {
        throw (Error) t;
      }
    }
  }

  /** Stops both threads, bounded; undelivered notifications stay in the file for the next start. Idempotent. */
  public void stop() {
    if (stopped.getAndSet(true)) {
      return;
    }
    evaluation.shutdownNow();
    try {
      if (!evaluation.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("alerts_stop_limit_hit limit_ms=5000 action=left_behind");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sender != null) {
      sender.stop();
    }
    inputs.close();
    log.info("alerts_stopped firing={} undelivered={}", book.firing().size(), book.outbox().size());
  }

  /** For tests. */
  AlertBook book() {
    return book;
  }

  /** The host name for {@code TENDED_ALERT_HOST}: the kernel's, without a DNS look-up. */
  static String host() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "unknown" : env;
  }
}
