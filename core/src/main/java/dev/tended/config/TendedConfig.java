package dev.tended.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole configuration of both processes, read once from the YAML file and never changed
 * afterwards. Every path in it is absolute.
 */
public record TendedConfig(
    Path configFile,
    Path dataDir,
    HeartbeatConfig heartbeat,
    List<SourceConfig> sources,
    SupervisorConfig supervisor,
    LoggingConfig logging,
    RetentionConfig retention,
    MetricsConfig metrics,
    AlertsConfig alerts,
    WebConfig web,
    LedgerConfig ledger) {
  public TendedConfig {
    sources = List.copyOf(sources);
  }

  public TendedConfig(Path configFile, Path dataDir, HeartbeatConfig heartbeat, List<SourceConfig> sources,
      SupervisorConfig supervisor, LoggingConfig logging) {
    this(configFile, dataDir, heartbeat, sources, supervisor, logging, RetentionConfig.DEFAULT, MetricsConfig.NONE,
        AlertsConfig.DEFAULT);
  }

  public TendedConfig(Path configFile, Path dataDir, HeartbeatConfig heartbeat, List<SourceConfig> sources,
      SupervisorConfig supervisor, LoggingConfig logging, RetentionConfig retention, MetricsConfig metrics,
      AlertsConfig alerts) {
    this(configFile, dataDir, heartbeat, sources, supervisor, logging, retention, metrics, alerts,
        WebConfig.defaultsIn(dataDir), LedgerConfig.sqlite());
  }

  /** Where operators' requests ({@code tended pause}, {@code cancel}, {@code retry}, the dashboard) are left for the worker. */
  public Path controlDir() {
    return dataDir.resolve("control");
  }

  /** The source called {@code name}, if configured. */
  public Optional<SourceConfig> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The worker's own SQLite ledger, when {@link #ledger} is not {@linkplain LedgerConfig#shared shared}. */
  public Path ledgerFile() {
    return dataDir.resolve("ledger.db");
  }

  /** Finished items' result files live under here, one folder per source. */
  public Path resultsDir() {
    return dataDir.resolve("results");
  }

  /** Per-item working folders (handler output, input copy). */
  public Path workDir() {
    return dataDir.resolve("work");
  }

  /** Copies of queue files that could not be parsed. */
  public Path quarantineDir() {
    return dataDir.resolve("quarantine");
  }

  /** The supervisor's record of which alerts fire and what was sent, kept across restarts. */
  public Path alertsStateFile() {
    return dataDir.resolve("alerts-state.json");
  }

  /** The supervisor's stall records. */
  public Path diagnosticsDir() {
    return dataDir.resolve("diagnostics");
  }
}
