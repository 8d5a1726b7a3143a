package dev.tended.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * Which dead items of a source a bulk retry takes ({@code tended retry SOURCE --all-dead [--since D]
 * [--exit-code N]}): the one rule that both the dry run (a read) and the retry (the worker's write)
 * apply, so that what {@code --dry-run} lists is what the retry brings back.
 *
 * @param source the source's name
 * @param deadSince only items that went dead at or after this instant (their {@link ItemRecord#updatedAt}:
 *     a dead item changes no more), or null for any time
 * @param exitCode only items whose last attempt exited with this code, or null for any ending
 */
public record DeadSelection(String source, Instant deadSince, Integer exitCode) {
  public DeadSelection {
    Objects.requireNonNull(source);
  }

  /** Whether {@code item}, which must be dead, is selected. */
  public boolean matches(ItemRecord item) {
    return item.state() == ItemState.DEAD && item.source().equals(source)
        && (deadSince == null || !item.updatedAt().isBefore(deadSince))
        && (exitCode == null || exitCode.equals(item.lastExitCode()));
  }
}
