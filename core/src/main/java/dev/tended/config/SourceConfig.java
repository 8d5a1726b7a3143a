package dev.tended.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One queue, how it is polled, and what runs for each of its items.
 *
 * @param path absolute; relative paths in the file were resolved against {@code dataDir}
 * @param idField the field naming an item's id; an item without it is identified by a hash of its
 *     canonical JSON
 */
public record SourceConfig(
    String name,
    SourceType type,
    Path path,
    String idField,
    Duration pollInterval,
    int concurrency,
    HandlerConfig handler,
    RetryConfig retry,
    BreakerConfig breaker,
    long maxItemBytes) {
  /** The default bound on one queue item's JSON: larger items are refused, not read into the heap. */
  public static final long DEFAULT_MAX_ITEM_BYTES = 8L * 1024 * 1024;

  public SourceConfig {
    Objects.requireNonNull(name);
    Objects.requireNonNull(type);
    Objects.requireNonNull(path);
    Objects.requireNonNull(idField);
    Objects.requireNonNull(pollInterval);
    Objects.requireNonNull(handler);
    Objects.requireNonNull(retry);
    Objects.requireNonNull(breaker);
  }
}
