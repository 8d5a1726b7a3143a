package dev.tended.status;

import java.time.Instant;
import java.util.Objects;

/**
 * A source whose outcomes cannot be recorded (a full disk, a permission problem, a ledger that
 * refuses writes), in the heartbeat status file: handlers may be finishing, but nothing they did is
 * durable, so the worker is not healthy even while it beats. {@code health-diagnose} reports it as
 * {@code outcomes_recorded} (unhealthy); past the wedge limit the worker withholds its heartbeat, so
 * the supervisor replaces it.
 *
 * @param since when the oldest attempt still failing to record first failed
 * @param reason the latest failure, a sentence naming the item and the cause
 */
public record RecordingFault(Instant since, String reason) {
  public RecordingFault {
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(reason, "reason");
  }
}
