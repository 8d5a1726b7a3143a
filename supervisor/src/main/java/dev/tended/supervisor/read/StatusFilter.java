package dev.tended.supervisor.read;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code --source}/{@code --state} filters of {@code tended status}, text and JSON alike, and the
 * {@code source}/{@code state} parameters of {@code GET /api/status}: which sources are shown and which
 * items the newest-items list keeps. One parser for both, so both refuse the same names with the same
 * list of valid ones. Immutable; empty means no filter.
 */
public record StatusFilter(Optional<String> source, Optional<ItemState> state) {

  /**
   * The filter, or the reason it names nothing that exists (listing what does), e.g.
   * {@code no state stuck (states: pending, ...)}; null {@code source} or {@code state} filters nothing.
   */
  public static Result parse(TendedConfig cfg, String source, String state) {
    if (source != null && cfg.source(source).isEmpty()) {
      return new Result(null, "no source " + source + " in " + cfg.configFile() + " (sources: "
          + cfg.sources().stream().map(SourceConfig::name).collect(Collectors.joining(", ")) + ")");
    }
    ItemState parsed = null;
    if (state != null) {
      try {
        parsed = ItemState.fromWire(state);
      } catch (IllegalArgumentException e) {
        return new Result(null, "no state " + state + " (states: " + Arrays.stream(ItemState.values())
            .map(ItemState::wireName).collect(Collectors.joining(", ")) + ")");
      }
    }
    return new Result(new StatusFilter(Optional.ofNullable(source), Optional.ofNullable(parsed)), null);
  }

  /** A parsed filter, or the message of why there is none. */
  public record Result(StatusFilter filter, String problem) {}

  /** Whether the source named is shown. */
  public boolean keepsSource(String name) {
    return source.map(name::equals).orElse(true);
  }

  /** Whether the item is listed. */
  public boolean keeps(ItemRecord r) {
    return keepsSource(r.source()) && state.map(s -> s == r.state()).orElse(true);
  }

  /**
   * The {@code n} most recently updated items the filter keeps, newest first. Without a filter one
   * read; with one, reads of a window that doubles until it holds {@code n} or all {@code total} items.
   */
  public List<ItemRecord> newest(LedgerView ledger, int n, long total) {
    if (n <= 0) {
      return List.of();
    }
    if (source.isEmpty() && state.isEmpty()) {
      return ledger.recent(n);
    }
    for (long window = n; ; window = Math.min(Integer.MAX_VALUE, window * 2)) {
      List<ItemRecord> seen = ledger.recent((int) window);
      List<ItemRecord> kept = new ArrayList<>();
      for (ItemRecord r : seen) {
        if (keeps(r) && kept.size() < n) {
          kept.add(r);
        }
      }
      if (kept.size() == n || seen.size() < window || window >= total || window == Integer.MAX_VALUE) {
        return kept;
      }
    }
  }

  /** How the filter reads in the text view's header, e.g. {@code source ideas, state dead}; "" without one. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    source.ifPresent(s -> parts.add("source " + s));
    state.ifPresent(s -> parts.add("state " + s.wireName()));
    return String.join(", ", parts);
  }
}
