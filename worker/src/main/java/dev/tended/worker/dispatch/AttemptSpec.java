package dev.tended.worker.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tended.config.HandlerConfig;
import dev.tended.config.HandlerLimits;
import dev.tended.config.RetryConfig;
import dev.tended.config.SourceConfig;
import dev.tended.status.StatusFiles;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one attempt was started with, recorded in the ledger next to its handler's processes (the
 * {@code spec} of a {@code HandlerRecord}), so that a worker adopting the handler finishes the attempt
 * as it was started: the same timeout, kill grace, output bound, progress timeout and limits, and the
 * same retry settings for its verdict, whatever the configuration says now, and even when its source
 * is no longer configured. Written and read as JSON; durations in milliseconds.
 *
 * @param command the handler's argv as started (kept for people and for rebuilding the request; an
 *     adopted handler is never started again)
 * @param timeoutMs the attempt's timeout, counted from the handler's own start
 * @param killGraceMs the time between SIGTERM and SIGKILL when it is stopped (as clamped to the stop budget)
 * @param maxOutputBytes the most of stdout and of stderr kept
 * @param progressTimeoutMs the progress timeout; 0 = off
 * @param memoryLimitBytes {@code handler.limits.memory}; 0 = none
 * @param processLimit {@code handler.limits.processes}; 0 = none
 * @param maxAttempts {@code retry.maxAttempts}, for the verdict
 * @param initialBackoffMs {@code retry.initialBackoff}, for the next attempt's time
 * @param maxBackoffMs {@code retry.maxBackoff}
 * @param maxInterruptions {@code retry.maxInterruptions}, should the attempt turn out interrupted
 */
record AttemptSpec(
    List<String> command,
    long timeoutMs,
    long killGraceMs,
    long maxOutputBytes,
    long progressTimeoutMs,
    long memoryLimitBytes,
    int processLimit,
    int maxAttempts,
    long initialBackoffMs,
    long maxBackoffMs,
    int maxInterruptions) {

  /**
   * The settings of an attempt whose processes were found by their marker but whose spec was never
   * recorded (the worker died before it could) and whose source is no longer configured: the
   * configuration's defaults for a handler and its retries.
   */
  static final AttemptSpec UNRECORDED = new AttemptSpec(List.of("unrecorded"), Duration.ofMinutes(10).toMillis(),
      Duration.ofSeconds(5).toMillis(), 1024L * 1024, 0, 0, 0, 5, Duration.ofSeconds(1).toMillis(),
      Duration.ofMinutes(5).toMillis(), RetryConfig.DEFAULT_MAX_INTERRUPTIONS);

  AttemptSpec {
    command = List.copyOf(Objects.requireNonNull(command, "command"));
  }

  /** The spec of an attempt of {@code source} started now, its kill grace being {@code killGrace}. */
  static AttemptSpec of(SourceConfig source, Duration killGrace) {
    HandlerConfig h = source.handler();
    RetryConfig r = source.retry();
    return new AttemptSpec(h.command(), h.timeout().toMillis(), killGrace.toMillis(), h.maxOutputBytes(),
        h.progressTimeout().toMillis(), h.limits().memoryBytes(), h.limits().processes(), r.maxAttempts(),
        r.initialBackoff().toMillis(), r.maxBackoff().toMillis(), r.maxInterruptions());
  }

  /** The spec as a {@code HandlerRecord} holds it. */
  String toJson() {
    try {
      return StatusFiles.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an attempt spec cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads a recorded spec; throws {@link IllegalArgumentException} naming what is wrong. */
  static AttemptSpec fromJson(String json) {
    try {
      return StatusFiles.mapper().readValue(json, AttemptSpec.class);
    } catch (JsonProcessingException | NullPointerException e) {
      throw new IllegalArgumentException("the recorded attempt spec cannot be read: " + e.getMessage(), e);
    }
  }

  HandlerConfig handler() {
    return new HandlerConfig(command, Duration.ofMillis(timeoutMs), Duration.ofMillis(killGraceMs), maxOutputBytes,
        Duration.ofMillis(progressTimeoutMs), new HandlerLimits(memoryLimitBytes, processLimit));
  }

  RetryConfig retry() {
    return new RetryConfig(maxAttempts, Duration.ofMillis(initialBackoffMs), Duration.ofMillis(maxBackoffMs),
        maxInterruptions);
  }
}
