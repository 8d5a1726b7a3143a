package dev.tended.worker.control;

import dev.tended.ledger.ItemRecord;
import java.util.Optional;

/**
 * What applying an operator's request asks of the running worker, beyond the ledger: the dispatcher's
 * side of a pause, a resume and a cancel, and a nudge when items became due. A seam, so that requests
 * can be applied in tests without handlers.
 */
public interface OperatorControls {
  /** Nothing of {@code source} is claimed from now on; without {@code drain} its running handlers are handed back. */
  void pause(String source, boolean drain, String askedBy);

  /** {@code source}'s items start again. */
  void resume(String source);

  /** Stops the running handler of {@code source/id}, which then ends dead; empty when none of it runs. */
  Optional<ItemRecord> cancelRunning(String source, String id, String askedBy);

  /** Ends a waiting (pending or failed) version of {@code source/id} dead at once; empty when none waits. */
  Optional<ItemRecord> cancelWaiting(String source, String id, String askedBy);

  /** Items became due (a retry): look at the ledger now. */
  void nudge();
}
