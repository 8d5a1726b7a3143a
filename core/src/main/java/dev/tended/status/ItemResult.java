package dev.tended.status;

import java.time.Instant;

/**
 * What {@code results/<source>/<id>.json} says of a finished item: its final status, how many
 * attempts it took, and the last attempt's exit, times and output tails.
 *
 * @param status {@code succeeded} or {@code dead}
 * @param exitCode the last attempt's exit code, null when it had none (timeout, could not start)
 */
public record ItemResult(
    String source,
    String id,
    String contentHash,
    String status,
    int attempts,
    Integer exitCode,
    Instant startedAt,
    Instant finishedAt,
    long durationMs,
    String detail,
    String stdoutTail,
    String stderrTail) {}
