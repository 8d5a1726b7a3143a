package dev.tended.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's pause of one source, as the ledger keeps it: durable across restarts of both daemons
 * until a resume. While it lasts the source is still polled and its new items recorded, but none
 * starts.
 *
 * @param source the source's name
 * @param drain whether its running handlers were left to finish (true) or handed back at the pause
 * @param since when it was paused
 * @param askedBy who paused it, as the request said
 */
public record SourcePause(String source, boolean drain, Instant since, String askedBy) {
  public SourcePause {
    Objects.requireNonNull(source);
    Objects.requireNonNull(since);
    Objects.requireNonNull(askedBy);
  }
}
