package dev.tended.supervisor.watch;

/**
 * The supervisor's own sense of elapsed time. Every staleness decision is measured on it, never on
 * the wall clock, so that an NTP step or a manual {@code date -s} neither hides a stall nor fakes
 * one. Tests inject a clock they move by hand.
 */
public interface MonotonicClock {
  /** The system's monotonic clock ({@link System#nanoTime()}). */
  MonotonicClock SYSTEM = System::nanoTime;

  /** Nanoseconds from an arbitrary origin; only differences mean anything. */
  long nanos();
}
