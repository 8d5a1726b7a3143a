package dev.tended.supervisor.watch;

import java.util.Optional;

/**
 * Writes down a stall before the worker is killed, so the hang can be diagnosed afterwards. Must be
 * bounded in time (a frozen process cannot answer) and must not throw: evidence that could not be
 * taken is written as such.
 */
@FunctionalInterface
public interface StallEvidence {
  /** Records {@code report}; returns the record's file name, if one was written. */
  Optional<String> capture(StallReport report);
}
