package dev.tended.ledger;

import java.util.Arrays;

/**
 * How one attempt ended, as the ledger records it on the attempt's closing transition and as
 * {@code tended show}, the result file and the metrics name it. Only some endings count against
 * {@code retry.maxAttempts}: an attempt tended itself cut short (handed back at a stop, interrupted by
 * the worker's death) is not the item's fault.
 */
public enum AttemptEnding {
  /** The handler exited by itself; its exit code is the verdict. */
  EXITED("exited", true),
  /** The handler outlived {@code handler.timeout} and was stopped. */
  TIMEOUT("timeout", true),
  /** The handler neither touched its progress file nor wrote output for {@code handler.progressTimeout}. */
  NO_PROGRESS("no-progress", true),
  /** The handler's tree went over {@code handler.limits} and was stopped. */
  LIMIT_EXCEEDED("limit-exceeded", true),
  /** The program could not be started (missing, not executable, the item cannot be passed to it). */
  NOT_STARTED("not-started", true),
  /** An operator cancelled the attempt. */
  CANCELLED("cancelled", false),
  /** The worker stopped and handed the item back; the attempt is not counted. */
  HANDED_BACK("handed-back", false),
  /** The handler died with its worker (power cut, cgroup killed); counts against {@code maxInterruptions}. */
  INTERRUPTED("interrupted", false);

  private final String wireName;
  private final boolean countsAsAttempt;

  AttemptEnding(String wireName, boolean countsAsAttempt) {
    this.wireName = wireName;
    this.countsAsAttempt = countsAsAttempt;
  }

  /** The name in the ledger, files, logs and metrics, e.g. {@code no-progress}. */
  public String wireName() {
    return wireName;
  }

  /** Whether an attempt that ended so counts against {@code retry.maxAttempts}. */
  public boolean countsAsAttempt() {
    return countsAsAttempt;
  }

  /** The ending with this wire name. */
  public static AttemptEnding fromWire(String name) {
    return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not an attempt ending: " + name));
  }
}
