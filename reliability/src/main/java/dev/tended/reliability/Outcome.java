package dev.tended.reliability;

import java.util.Objects;

/**
 * One row of the reliability table: one kind of fault, how often it was injected, what happened to
 * the work, and whether that is acceptable. A row passes only when nothing was lost and nothing that
 * had finished ran again, on top of the scenario's own bound (e.g. a recovery time).
 *
 * @param fault what was done to tended, e.g. {@code SIGKILL at random instants}
 * @param injected how many times
 * @param produced items the producers wrote
 * @param succeeded of those, succeeded exactly once in the ledger and in {@code results/}
 * @param lost produced items not succeeded at the end
 * @param rerunAfterFinish handler runs of an item after its success was recorded
 * @param maxRecoveryMs the longest time from a fault to tended working again, -1 when not measured
 * @param passed the verdict
 * @param note what else was seen (interrupted runs, the error text checked, why it was skipped)
 */
public record Outcome(String fault, long injected, long produced, long succeeded, long lost, long rerunAfterFinish,
    long maxRecoveryMs, Verdict passed, String note) {

  /** Pass, fail, or could not run here (says why in the note). */
  public enum Verdict {
    PASS, FAIL, SKIPPED
  }

  public Outcome {
    Objects.requireNonNull(fault, "fault");
    Objects.requireNonNull(passed, "passed");
    Objects.requireNonNull(note, "note");
  }

  /** A scenario that could not run on this machine, and why. */
  public static Outcome skipped(String fault, String why) {
    return new Outcome(fault, 0, 0, 0, 0, 0, -1, Verdict.SKIPPED, why);
  }

  /** PASS when {@code ok}, else FAIL. */
  public static Verdict verdict(boolean ok) {
    return ok ? Verdict.PASS : Verdict.FAIL;
  }
}
