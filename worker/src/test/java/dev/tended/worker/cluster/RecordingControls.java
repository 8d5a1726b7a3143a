package dev.tended.worker.cluster;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.worker.control.OperatorControls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A dispatcher's side for the cluster tests: records the pauses, resumes and cancels it is asked, as
 * the dispatcher would apply them; the handlers of the ids in {@link #started} run, others not yet.
 */
final class RecordingControls implements OperatorControls {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  final Set<String> started = new HashSet<>();
  /** The pauses and resumes asked, in order. */
  final List<String> asked = new ArrayList<>();
  /** The cancels of running handlers that took effect, in order. */
  final List<String> cancelled = new ArrayList<>();

  @Override
  public void pause(String source, boolean drain, String askedBy) {
    asked.add("pause " + source + (drain ? " drain" : "") + " by " + askedBy);
  }

  @Override
  public void resume(String source) {
    asked.add("resume " + source);
  }

  @Override
  public Optional<ItemRecord> cancelRunning(String source, String id, String askedBy) {
    if (!started.contains(id)) {
      return Optional.empty();
    }
    cancelled.add(source + "/" + id + " by " + askedBy);
    return Optional.of(new ItemRecord(1, source, id, "h", "{}", ItemState.RUNNING, 1, T, T, T, T, null, null,
        null, 0, "token"));
  }

  @Override
  public Optional<ItemRecord> cancelWaiting(String source, String id, String askedBy) {
    return Optional.empty();
  }

  @Override
  public void nudge() {}
}
