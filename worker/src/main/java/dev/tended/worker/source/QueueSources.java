package dev.tended.worker.source;

import dev.tended.queue.QueueSource;
import dev.tended.queue.ItemSink;

import dev.tended.config.RetentionConfig;
import dev.tended.config.SourceConfig;
import dev.tended.io.SafeFileNames;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Makes the {@link QueueSource} for a configured source; the one public way in, so that the
 * readers themselves stay package-private and can change freely.
 */
public final class QueueSources {
  /** Items per {@link ItemSink#accept} call: bounds the memory a poll holds. */
  static final int BATCH_SIZE = 500;

  private QueueSources() {}

  /**
   * A source for {@code config}.
   *
   * @param quarantineDir where copies of broken queue files go, one folder per source (named after
   *     the source, made safe as a file name); created on first use
   * @param clock stamps quarantine copies and fault times
   */
  public static QueueSource create(SourceConfig config, Path quarantineDir, Clock clock) {
    return create(config, quarantineDir, RetentionConfig.DEFAULT_QUARANTINE_KEPT, clock);
  }

  /**
   * A source for {@code config}, keeping at most {@code quarantineKept} quarantine copies
   * ({@code retention.quarantineKept}).
   */
  public static QueueSource create(SourceConfig config, Path quarantineDir, int quarantineKept, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(quarantineDir, "quarantineDir");
    Objects.requireNonNull(clock, "clock");
    switch (config.type()) {
      case JSON_QUEUE:
        Quarantine quarantine =
            new Quarantine(quarantineDir.resolve(SafeFileNames.forId(config.name())), clock, quarantineKept);
        return new JsonQueueSource(
            config.name(), config.path(), config.idField(), config.maxItemBytes(), quarantine, clock, BATCH_SIZE);
      case DIRECTORY:
        return new DirectorySource(config.name(), config.path(), BATCH_SIZE);
      default:
        throw new IllegalArgumentException(
            "source " + config.name() + ": unknown type " + config.type());
    }
  }
}
