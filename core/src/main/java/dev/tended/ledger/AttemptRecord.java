package dev.tended.ledger;

import java.time.Instant;

/**
 * One attempt of an item as the ledger's transitions tell it, for {@code tended show} and the result
 * file.
 *
 * @param attempt its number (an attempt handed back or interrupted keeps the number the next one
 *     gets, since it did not count)
 * @param ending how it ended; null while it runs
 * @param exitCode the handler's exit code when it exited, else null
 * @param startedAt when it was claimed
 * @param finishedAt when it ended; null while it runs
 * @param detail the one-line reason, e.g. {@code timed out after 5s}
 */
public record AttemptRecord(
    int attempt,
    AttemptEnding ending,
    Integer exitCode,
    Instant startedAt,
    Instant finishedAt,
    String detail) {}
