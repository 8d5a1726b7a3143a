package dev.tended.supervisor.web;

import dev.tended.config.TendedConfig;
import dev.tended.supervisor.read.ShowRead;
import dev.tended.supervisor.read.Shown;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /api/item?source=S&id=ID}: exactly the JSON of {@code tended show --json S ID}
 * (docs/json.md), built by the same {@link ShowRead}: every version, each attempt in order with its
 * ending and output tails, the parsed result file. Without both parameters 400; an item the ledger
 * does not hold 404, saying so as the command does. Read-only; stateless.
 */
final class ItemRoute implements Route {
  private final TendedConfig config;
  private final LedgerReads ledger;

  ItemRoute(TendedConfig config, LedgerReads ledger) {
    this.config = Objects.requireNonNull(config);
    this.ledger = Objects.requireNonNull(ledger);
  }

  @Override
  public Reply handle(Request request) {
    Optional<String> source = request.param("source");
    Optional<String> id = request.param("id");
    if (source.isEmpty() || id.isEmpty()) {
      return Reply.error(400, "name the item: /api/item?source=SOURCE&id=ID");
    }
    Optional<Optional<Shown>> read = ledger.read(l -> ShowRead.of(config, l, source.get(), id.get()));
    if (read.isEmpty()) {
      return ledger.missing();
    }
    return read.get().map(shown -> Reply.json(200, shown))
        .orElseGet(() -> Reply.error(404, ShowRead.notFound(config, source.get(), id.get())));
  }
}
