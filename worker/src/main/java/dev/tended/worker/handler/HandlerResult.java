package dev.tended.worker.handler;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What happened to one attempt, as facts: how it ended, its exit code, when, and the end of its
 * output. It does not say whether the item is retried or dead; the caller reads the exit code
 * against the handler protocol (0 succeeded, 75 retry, 65 dead, anything else failed).
 *
 * <p>By the time a result exists, every process of the attempt that could be found has been stopped
 * and output written after {@code finishedAt} was discarded, never written to the files.
 *
 * @param ending how the attempt ended
 * @param exitCode the handler's exit status when {@code ending} is {@link Ending#EXITED} (a handler
 *     killed by a signal reports 128 + the signal, as Java does), otherwise -1
 * @param startedAt when the handler was started
 * @param finishedAt when the outcome was decided: the handler's exit, the timeout, or the cancel
 * @param stdoutTail the end of stdout as text (UTF-8, malformed bytes replaced)
 * @param stderrTail the end of stderr as text (UTF-8, malformed bytes replaced)
 * @param detail one line for people and logs, e.g. {@code timed out after 2s} or {@code cannot start:
 *     no such file: ./h.sh}, with notes on stopped leftovers and trimmed output
 */
public record HandlerResult(
    Ending ending,
    int exitCode,
    Instant startedAt,
    Instant finishedAt,
    String stdoutTail,
    String stderrTail,
    String detail) {

  /** How an attempt ended. */
  public enum Ending {
    /** The handler exited by itself (or was killed by something else); see the exit code. */
    EXITED,
    /** The handler outlived its timeout and was stopped. */
    TIMED_OUT,
    /** The attempt was stopped by {@link RunningHandler#cancel()} or by interrupting its waiter. */
    CANCELLED,
    /** The program could not be executed at all (missing, not executable, bad interpreter). */
    FAILED_TO_START,
    /**
     * The program could not be given this item: its id makes the environment too big for exec
     * ({@code E2BIG}). The item's fault, not the program's: no retry helps. (An id holding a NUL
     * never gets this far: {@link HandlerRequest} refuses it, and the item is dead at once.)
     */
    ITEM_NOT_PASSABLE,
    /** The handler neither touched its progress file nor wrote output for its progress timeout, and was stopped. */
    NO_PROGRESS,
    /** The handler's tree went over its memory or process limit and was stopped; the detail names both. */
    LIMIT_EXCEEDED,
    /**
     * The handler died with its worker: it is gone and no exit status was recorded for it (a power
     * cut, the unit's cgroup killed). Not the item's fault.
     */
    INTERRUPTED,
    /**
     * The worker let go of a handler that is still running ({@link RunningHandler#detach}), for the
     * next worker to adopt: there is no outcome, and the item stays running in the ledger.
     */
    DETACHED
  }

  public HandlerResult {
    Objects.requireNonNull(ending, "ending");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(stdoutTail, "stdoutTail");
    Objects.requireNonNull(stderrTail, "stderrTail");
    Objects.requireNonNull(detail, "detail");
    if (ending != Ending.EXITED && exitCode != -1) {
      throw new IllegalArgumentException("exitCode: must be -1 for " + ending + ", got " + exitCode);
    }
  }

  /** How long the attempt ran until its outcome was decided. */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }
}
