package dev.tended.worker.handler;

import dev.tended.config.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Tells a handler that works slowly from one that hangs, long before a generous wall-clock timeout:
 * progress is the handler touching (or writing) its progress file ({@code TENDED_PROGRESS_FILE}) or
 * any byte of its stdout or stderr reaching the worker. The watch looks at both at every check and
 * counts a change since the last look as progress at that look, so the file's time, written by the
 * wall clock, is never compared with the monotonic one; the clock starts when the watch does (the
 * attempt's start, or its adoption by a later worker).
 *
 * <p>Not thread-safe: owned by the thread that watches the attempt; {@code outputBytes} is read from
 * it and must be safe to read from that thread.
 */
final class ProgressWatch {
  private final Path file;
  private final Duration timeout;
  private final LongSupplier outputBytes;
  private long lastProgressNanos;
  private FileTime lastTouched;
  private long lastOutput;

  /**
   * @param file the progress file, or null when the handler has none (then only output counts)
   * @param timeout how long without progress stops the handler; zero = never
   * @param outputBytes how many bytes of output the worker has received so far, both streams together
   * @param startNanos {@link System#nanoTime()} when the clock starts
   */
  ProgressWatch(Path file, Duration timeout, LongSupplier outputBytes, long startNanos) {
    this.file = file;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.outputBytes = Objects.requireNonNull(outputBytes, "outputBytes");
    this.lastProgressNanos = startNanos;
    this.lastTouched = touched();
    this.lastOutput = outputBytes.getAsLong();
  }

  /** Whether the watch can ever stop a handler. */
  boolean on() {
    return !timeout.isZero() && !timeout.isNegative();
  }

  /**
   * Looks for progress at {@code nowNanos}: {@code no progress for 2s} when there was none for the
   * timeout, else empty.
   */
  Optional<String> check(long nowNanos) {
    if (!on()) {
      return Optional.empty();
    }
    FileTime touched = touched();
    long output = outputBytes.getAsLong();
    if ((touched != null && !touched.equals(lastTouched)) || output != lastOutput) {
      lastProgressNanos = nowNanos;
    }
    lastTouched = touched;
    lastOutput = output;
    if (nowNanos - lastProgressNanos >= timeout.toNanos()) {
      return Optional.of("no progress for " + Durations.format(timeout));
    }
    return Optional.empty();
  }

  /** The progress file's modification time; null when there is none or it is gone. */
  private FileTime touched() {
    if (file == null) {
      return null;
    }
    try {
      return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
