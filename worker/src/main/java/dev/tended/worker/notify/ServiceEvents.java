package dev.tended.worker.notify;

import dev.tended.worker.heartbeat.BeatListener;
import dev.tended.worker.heartbeat.PollReport;
import dev.tended.worker.heartbeat.ProgressBoard;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The worker's lifecycle as a service manager needs to hear it: start-up, running (with the
 * progress board its proofs of life follow), every beat, stop. The worker calls these; what they do
 * (sd_notify, nothing) is the implementation's business.
 */
public interface ServiceEvents extends BeatListener {
  /** Opening the ledger and recovering may take up to {@code mayTake}. */
  default void starting(Duration mayTake) {}

  /** A long start-up step begins (e.g. recovering interrupted items); it too may take {@code mayTake}. */
  default void startupStep(String what) {}

  /** Every part is started; {@code polls} tells when each source has completed a first poll. */
  default void running(ProgressBoard progress, Duration wedgeLimit, Supplier<Map<String, PollReport>> polls) {}

  /** The worker could not start. */
  default void startFailed(Throwable cause) {}

  /** A stop has begun. */
  default void stopping() {}

  /** The stop is complete. */
  default void stopped() {}
}
