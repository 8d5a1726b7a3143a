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
 * @param maxIdLength an item whose id is longer (in UTF-16 units) is refused at intake as a fault
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
    long maxItemBytes,
    int maxIdLength) {
  /** The default bound on one queue item's JSON: larger items are refused, not read into the heap. */
  public static final long DEFAULT_MAX_ITEM_BYTES = 8L * 1024 * 1024;

  /**
   * The default bound on an item's id, in UTF-16 units: an id goes into the handler's environment,
   * and one of some 130 000 characters no longer fits there (exec fails with E2BIG).
   */
  public static final int DEFAULT_MAX_ID_LENGTH = 1024;
  /**
   * The highest {@code maxIdLength} accepted: even in 3-byte UTF-8 characters such an id stays below
   * Linux's 128 KiB bound on one environment string.
   */
  public static final int MAX_ID_LENGTH = 32_768;

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
