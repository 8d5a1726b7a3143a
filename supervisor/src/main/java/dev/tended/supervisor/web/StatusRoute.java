package dev.tended.supervisor.web;

import dev.tended.config.TendedConfig;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.read.StatusFilter;
import dev.tended.supervisor.read.StatusSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /api/status[?source=S][&state=ST][&n=N]}: exactly the JSON of {@code tended status --json
 * [--source S] [--state ST] [-n N]} (docs/json.md), built by the same {@link StatusSnapshot}, so a
 * script may read either. An unknown source or state is 400 naming the valid ones, as the command
 * says them; {@code n} is 10 by default and at most {@link #MAX_RECENT}. Read-only; stateless.
 */
final class StatusRoute implements Route {
  /** The {@code -n} of the command. */
  static final int DEFAULT_RECENT = 10;
  /** The most newest items one request may ask for, so that no request reads the whole ledger. */
  static final int MAX_RECENT = 1000;

  private final TendedConfig config;
  private final LedgerReads ledger;
  private final Clock clock;

  StatusRoute(TendedConfig config, LedgerReads ledger, Clock clock) {
    this.config = Objects.requireNonNull(config);
    this.ledger = Objects.requireNonNull(ledger);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public Reply handle(Request request) {
    StatusFilter.Result parsed = StatusFilter.parse(config, request.param("source").orElse(null),
        request.param("state").orElse(null));
    if (parsed.filter() == null) {
      return Reply.error(400, parsed.problem());
    }
    Optional<Integer> recent = recent(request.param("n"));
    if (recent.isEmpty()) {
      return Reply.error(400, "n must be a whole number from 0 to " + MAX_RECENT + " (n=" + request.param("n").get()
          + ")");
    }
    Instant now = clock.instant();
    Optional<WorkerStatus> heartbeat = StatusSnapshot.heartbeat(config);
    return ledger.read(l -> StatusSnapshot.read(config, l, heartbeat, parsed.filter(), recent.get(), now))
        .map(s -> Reply.json(200, s.json(config.supervisor().staleAfter())))
        .orElseGet(ledger::missing);
  }

  /** {@code n} as a count, {@link #DEFAULT_RECENT} when absent, empty when it is not one from 0 to the most. */
  private static Optional<Integer> recent(Optional<String> n) {
    if (n.isEmpty()) {
      return Optional.of(DEFAULT_RECENT);
    }
    try {
      int v = Integer.parseInt(n.get().trim());
      return v >= 0 && v <= MAX_RECENT ? Optional.of(v) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
