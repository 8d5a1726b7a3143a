package dev.tended.config;

import java.nio.file.Path;

/**
 * Where the Prometheus text exposition is written ({@code metrics:}), for node_exporter's textfile
 * collector: a file fits units that have no network ({@code PrivateNetwork=yes}).
 *
 * @param textfile the {@code .prom} file rewritten atomically every heartbeat interval, or null when
 *     none is written ({@code tended metrics} still prints the same exposition)
 */
public record MetricsConfig(Path textfile) {
  public static final MetricsConfig NONE = new MetricsConfig(null);
}
