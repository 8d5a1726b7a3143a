package dev.tended.worker.handler;

import dev.tended.config.HandlerLimits;
import java.util.Objects;
import java.util.Optional;

/**
 * Weighs a tree's {@link TreeUsage} against the source's {@code handler.limits}, so that a handler's
 * appetite ends its own attempt (the worker stops the tree) and never starves the worker. The answer
 * names the limit and what was measured, for the attempt's detail. Immutable.
 */
final class LimitCheck {
  private final HandlerLimits limits;

  LimitCheck(HandlerLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Whether there is anything to check at all. */
  boolean any() {
    return limits.any();
  }

  /**
   * Why {@code usage} is over a limit, e.g. {@code memory limit exceeded: 612.0 MiB resident over
   * 256.0 MiB}; empty when it is within every limit. Memory is weighed first: a tree over both is
   * usually a tree that forks, and its memory is what hurts the machine.
   */
  Optional<String> exceeded(TreeUsage usage) {
    if (limits.memoryBytes() > 0 && usage.residentBytes() > limits.memoryBytes()) {
      return Optional.of("memory limit exceeded: " + TreeUsage.mib(usage.residentBytes()) + " resident over "
          + TreeUsage.mib(limits.memoryBytes()));
    }
    if (limits.processes() > 0 && usage.processes() > limits.processes()) {
      return Optional.of("process limit exceeded: " + usage.processes() + " processes over " + limits.processes());
    }
    return Optional.empty();
  }
}
