package dev.tended.worker.source;

import dev.tended.worker.lifecycle.Managed;
import java.time.Duration;

/**
 * Whether this node polls a source now. It exists because workers on several hosts may share one
 * ledger: each source must then be polled by exactly one of them at a time (two pollers of one queue
 * file would race on what they record), while every node's dispatcher still runs the items. On a
 * ledger of one host ({@link #everySource()}) this node owns every source; on a shared ledger the
 * nodes agree through Quartz's clustered job store ({@link SourceOwnerships#of}). {@link PollScheduler}
 * asks before each poll, so a source this node does not own is not polled here.
 *
 * <p>A long-lived part: started before the polls, stopped after them, which releases every source
 * this node held so that another node takes it at once.
 */
public interface SourceOwnership extends Managed {
  /** True when this node may poll {@code source} now; cheap and safe from any thread, never blocks. */
  boolean owns(String source);

  /** Owns every source, always: the single-host ledger's behaviour. */
  static SourceOwnership everySource() {
    return EverySource.INSTANCE;
  }

  /** The one instance of {@link #everySource()}: nothing to start or stop. */
  enum EverySource implements SourceOwnership {
    INSTANCE;

    @Override
    public boolean owns(String source) {
      return true;
    }

    @Override
    public void stop(Duration budget) {}
  }
}
