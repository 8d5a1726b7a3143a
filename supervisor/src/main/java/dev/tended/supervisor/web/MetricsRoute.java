package dev.tended.supervisor.web;

import dev.tended.config.TendedConfig;
import dev.tended.logging.Kv;
import dev.tended.supervisor.metrics.Metrics;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the exposition {@code tended metrics} prints and the supervisor writes to its
 * textfile (the same bytes for the same files), in the text format 0.0.4, for a Prometheus that
 * scrapes the dashboard directly. An input that cannot be read leaves its metrics out (logged at debug).
 * Stateless.
 */
final class MetricsRoute implements Route {
  private static final Logger log = LoggerFactory.getLogger(MetricsRoute.class);
  private final TendedConfig config;
  private final Clock clock;

  MetricsRoute(TendedConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config);
    this.clock = clock;
  }

  @Override
  public Reply handle(Request request) {
    byte[] text = Metrics.exposition(config, clock.instant(),
        missing -> log.debug("web_metrics_input_missing detail={}", Kv.q(missing)));
    return new Reply(200, Reply.PROMETHEUS_TEXT, text, Map.of());
  }
}
