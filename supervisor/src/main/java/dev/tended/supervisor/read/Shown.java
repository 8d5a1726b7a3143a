package dev.tended.supervisor.read;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * Everything the ledger knows of one id, as {@code tended show --json} prints it and
 * {@code GET /api/item} serves it: an interface (docs/json.md), so fields are only ever added. One model
 * for both, so the command and the dashboard cannot drift apart. Built by {@link ShowRead}; immutable.
 *
 * @param source the source's name
 * @param id the item's id
 * @param resultFile where the item's result file is (or will be)
 * @param resultFileExists whether it is there
 * @param versions every version the ledger holds, oldest first
 * @param pruned the versions retention pruned to their identity
 * @param result the result file parsed, null when there is none or it does not parse
 * @param paused whether the ledger holds an operator's pause of the source
 */
public record Shown(String source, String id, String resultFile, boolean resultFileExists, List<Version> versions,
    List<Pruned> pruned, JsonNode result, boolean paused) {

  /** A version retention pruned: its identity record, all the ledger keeps of it. */
  public record Pruned(String contentHash, String outcome, Instant finishedAt, Instant prunedAt) {}

  /** One version of the item. */
  public record Version(long seq, String contentHash, String state, int attempts, int interruptions,
      Instant firstSeenAt, Instant updatedAt, Instant nextAttemptAt, String lastError, String workFolder,
      Handler handler, List<Attempt> attemptList) {}

  /**
   * One attempt; {@code ending} and {@code finishedAt} are null while it runs. The tails are the end of
   * its output files, null when absent, and for an attempt that did not count (interrupted, handed
   * back), whose files the next attempt of the same number has since replaced.
   */
  public record Attempt(int attempt, String ending, Integer exitCode, Instant startedAt, Instant finishedAt,
      Long durationMs, String detail, String stdoutTail, String stderrTail) {}

  /** The processes of a running attempt as the worker recorded them. */
  public record Handler(long handlerPid, long waiterPid, String bootId, Instant startedAt) {}
}
