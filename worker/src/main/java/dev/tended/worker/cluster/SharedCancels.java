package dev.tended.worker.cluster;

import dev.tended.ledger.CancelAsked;
import dev.tended.logging.Kv;
import dev.tended.worker.control.OperatorControls;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the cancels operators asked through other nodes of a shared ledger: a {@code tended
 * cancel} reaches the worker of the node it was run on, which marks the attempt in the ledger when
 * another node runs it ({@code ItemLedger#askCancel}); the node that runs it finds the mark here, at
 * its next lease renewal, and stops the handler as a cancel of its own (TERM, kill grace, KILL; the
 * item ends dead, cancelled by that operator). An attempt claimed but whose handler has not started
 * yet is looked at again next time. Owned by the lease keeper's thread.
 */
final class SharedCancels {
  private static final Logger log = LoggerFactory.getLogger(SharedCancels.class);

  private final OperatorControls controls;
  /** The attempts whose handlers this node was asked to stop, while the mark is still there. */
  private final Set<Long> stopping = new HashSet<>();

  SharedCancels(OperatorControls controls) {
    this.controls = Objects.requireNonNull(controls);
  }

  /** Stops the handlers of {@code asked} this node has not stopped yet. */
  void follow(List<CancelAsked> asked) {
    stopping.retainAll(asked.stream().map(CancelAsked::seq).collect(Collectors.toSet()));
    for (CancelAsked c : asked) {
      if (!stopping.contains(c.seq()) && controls.cancelRunning(c.source(), c.id(), c.askedBy()).isPresent()) {
        stopping.add(c.seq());
        log.info("cancel_followed source={} id={} seq={} asked_by={} action=stopping_handler", c.source(), Kv.q(c.id()),
            c.seq(), Kv.q(c.askedBy()));
      }
    }
  }
}
