package dev.tended.worker.source;

import dev.tended.config.BreakerConfig;
import dev.tended.config.HandlerConfig;
import dev.tended.config.RetryConfig;
import dev.tended.config.SourceConfig;
import dev.tended.config.SourceType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Configurations and a clock for source tests; the handler parts are never used here. */
final class TestSources {
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  /** {@link #NOW} as it appears in quarantine file names. */
  static final String NOW_SUFFIX = "20240501T120000Z";

  private TestSources() {}

  static SourceConfig config(String name, SourceType type, Path path, String idField) {
    return new SourceConfig(name, type, path, idField, Duration.ofSeconds(1), 1,
        new HandlerConfig(List.of("true"), Duration.ofSeconds(1), Duration.ofSeconds(1), 1024),
        new RetryConfig(1, Duration.ofSeconds(1), Duration.ofSeconds(1), 5),
        new BreakerConfig(1, Duration.ofSeconds(1)), SourceConfig.DEFAULT_MAX_ITEM_BYTES,
        SourceConfig.DEFAULT_MAX_ID_LENGTH);
  }

  static boolean makeFifo(Path path) throws Exception {
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
      return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException noMkfifo) {
      return false;
    }
  }
}
