package dev.tended.supervisor.metrics;

import dev.tended.config.TendedConfig;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The Prometheus exposition of one installation, as {@code tended metrics} prints it and the
 * supervisor writes it to {@code metrics.textfile}: the same bytes for the same files.
 */
public final class Metrics {
  private Metrics() {}

  /**
   * The exposition of {@code cfg}'s files at {@code now} in the Prometheus text format; each input that
   * cannot be read leaves its metrics out and is described to {@code missing}.
   */
  public static byte[] exposition(TendedConfig cfg, Instant now, Consumer<String> missing) {
    return Exposition.text(Exposition.build(MetricSources.read(cfg, now, missing)));
  }
}
