package dev.tended.worker.cluster;

import dev.tended.ledger.SourcePause;
import dev.tended.worker.control.OperatorControls;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the operators' pauses another node applied to a shared ledger: a {@code tended pause} or
 * {@code resume} reaches the worker of the node it was run on, which records it in the ledger; every
 * other node sees the change here, at its next lease renewal, and pauses or resumes its own lanes, so
 * that a pause holds across the cluster. Owned by the lease keeper's thread.
 */
final class SharedPauses {
  private static final Logger log = LoggerFactory.getLogger(SharedPauses.class);

  private final OperatorControls controls;
  private final Set<String> sources;
  /** The pauses as this node last applied them. */
  private final Map<String, SourcePause> applied;

  /**
   * @param sources the configured sources (a pause of another is not this node's)
   * @param applied the pauses this node applied at its start
   */
  SharedPauses(OperatorControls controls, Set<String> sources, Map<String, SourcePause> applied) {
    this.controls = Objects.requireNonNull(controls);
    this.sources = Set.copyOf(sources);
    this.applied = new HashMap<>(applied);
  }

  /** Applies what changed since the last look, given the ledger's pauses {@code now}. */
  void follow(Map<String, SourcePause> now) {
    for (SourcePause p : now.values()) {
      SourcePause before = applied.get(p.source());
      if (sources.contains(p.source()) && (before == null || before.drain() != p.drain())) {
        log.info("pause_followed source={} drain={} asked_by={}", p.source(), p.drain(),
            dev.tended.logging.Kv.q(p.askedBy()));
        controls.pause(p.source(), p.drain(), p.askedBy());
      }
    }
    for (String source : Set.copyOf(applied.keySet())) {
      if (!now.containsKey(source) && sources.contains(source)) {
        log.info("resume_followed source={}", source);
        controls.resume(source);
      }
    }
    applied.clear();
    applied.putAll(now);
  }
}
