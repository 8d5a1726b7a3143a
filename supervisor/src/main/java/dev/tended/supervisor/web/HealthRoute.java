package dev.tended.supervisor.web;

import dev.tended.supervisor.diagnose.HealthDiagnosis;
import dev.tended.supervisor.diagnose.HealthReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * {@code GET /healthz}: the verdict of the same checks as {@code health-diagnose}, 200 when healthy or
 * degraded (the worker works; something wants a look), 503 when unhealthy or unknown, the body the JSON
 * of {@code health-diagnose --json}. The diagnosis runs the ledger's quick check, so a report is reused
 * for {@link #REUSE} (the page and a load balancer may ask every second or two).
 *
 * <p>Thread-safe: the last report is one immutable pair behind a lock, made by whichever request finds it old.
 */
final class HealthRoute implements Route {
  /** How long one diagnosis answers every request. */
  static final Duration REUSE = Duration.ofSeconds(2);

  private final Path configFile;
  private final Clock clock;
  private final HealthDiagnosis diagnosis;
  private Instant madeAt = Instant.MIN;
  private HealthReport last;

  HealthRoute(Path configFile, Clock clock) {
    this.configFile = Objects.requireNonNull(configFile);
    this.clock = clock;
    this.diagnosis = new HealthDiagnosis(clock);
  }

  @Override
  public Reply handle(Request request) {
    HealthReport report = report();
    HealthReport.Level v = report.verdict();
    int status = v == HealthReport.Level.OK || v == HealthReport.Level.DEGRADED ? 200 : 503;
    return Reply.json(status, report.toJson());
  }

  /** The diagnosis of at most {@link #REUSE} ago. */
  synchronized HealthReport report() {
    Instant now = clock.instant();
    if (last == null || Duration.between(madeAt, now).compareTo(REUSE) >= 0 || now.isBefore(madeAt)) {
      last = diagnosis.run(configFile);
      madeAt = now;
    }
    return last;
  }
}
