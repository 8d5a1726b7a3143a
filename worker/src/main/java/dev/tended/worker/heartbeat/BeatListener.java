package dev.tended.worker.heartbeat;

import dev.tended.status.WorkerStatus;
import java.util.List;

/**
 * Told of every beat and every withheld beat, so other proofs of life (systemd's watchdog) follow
 * exactly the same condition as the status file. Called on the heartbeat thread; must not block.
 */
public interface BeatListener {
  /** A beat was written. */
  void beat(WorkerStatus status);

  /** No beat was written because these parts are wedged. */
  void withheld(List<ProgressBoard.Wedge> wedges);
}
