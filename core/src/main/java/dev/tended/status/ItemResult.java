package dev.tended.status;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.tended.io.SafeFileNames;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What {@code results/<source>/<id>.json} says of a finished item: its final status, how many
 * attempts it took, the last attempt's exit, times and output tails, and every attempt with how it
 * ended (so that a person sees why it took three tries without the ledger).
 *
 * @param status {@code succeeded} or {@code dead}
 * @param attempts the attempts that count against {@code retry.maxAttempts}
 * @param exitCode the last attempt's exit code, null when it had none (timeout, could not start)
 * @param history every attempt, oldest first, the last one included, each with how it ended (a list
 *     of its own: {@code attempts} stays the count it always was); empty in a file written before
 *     tended recorded endings
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
    String stderrTail,
    List<Attempt> history) {

  @JsonCreator
  public ItemResult {
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** A result without the list of attempts (what a test or a benchmark needs). */
  public ItemResult(String source, String id, String contentHash, String status, int attempts, Integer exitCode,
      Instant startedAt, Instant finishedAt, long durationMs, String detail, String stdoutTail, String stderrTail) {
    this(source, id, contentHash, status, attempts, exitCode, startedAt, finishedAt, durationMs, detail, stdoutTail,
        stderrTail, List.of());
  }

  /** Where the result of {@code source}/{@code id} lives under {@code resultsDir}, whatever the id holds. */
  public static Path fileIn(Path resultsDir, String source, String id) {
    return resultsDir.resolve(SafeFileNames.forId(source)).resolve(SafeFileNames.forId(id) + ".json");
  }

  /**
   * One attempt as the result file lists it.
   *
   * @param attempt its number (one handed back or interrupted did not count: the next has the same)
   * @param ending how it ended, e.g. {@code exited}, {@code timeout}, {@code interrupted}
   * @param exitCode the handler's exit code when it exited, else null
   * @param detail the one-line reason, e.g. {@code exit 1}
   */
  public record Attempt(int attempt, String ending, Integer exitCode, Instant startedAt, Instant finishedAt,
      String detail) {}
}
