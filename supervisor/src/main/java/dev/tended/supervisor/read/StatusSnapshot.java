package dev.tended.supervisor.read;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SourceFlow;
import dev.tended.ledger.SourcePause;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One look at the installation as {@code tended status} and {@code GET /api/status} take it: the
 * heartbeat, and from the ledger the counts, pauses and flow of the sources a {@link StatusFilter}
 * keeps and its newest items. It exists so that the command's text and JSON and the dashboard's JSON
 * come from one read: {@link #json} is the one place {@link StatusJson} is built. Read-only: takes a
 * {@link LedgerView}. Immutable once read.
 *
 * @param at when it looked
 * @param heartbeat the worker's status file, empty when there is none or it cannot be read
 * @param names the configured sources the filter keeps, in the configuration's order
 * @param counts items per source and state
 * @param pauses the operators' pauses by source
 * @param flow the flow figures by source (the ledger's; the heartbeat's when the ledger cannot give them)
 * @param items the newest items the filter keeps, newest first
 * @param nodes on a ledger several nodes share, each node's last beat and what it runs; empty on SQLite
 * @param pollers on a ledger several nodes share, who polls each kept source (a source no node
 *     polls has {@link StatusJson.Poller#NONE}); empty on SQLite
 */
public record StatusSnapshot(Instant at, Optional<WorkerStatus> heartbeat, List<String> names,
    Map<String, Map<ItemState, Long>> counts, Map<String, SourcePause> pauses, Map<String, SourceFlow> flow,
    List<ItemRecord> items, List<StatusJson.Node> nodes, Map<String, StatusJson.Poller> pollers) {

  public StatusSnapshot {
    Objects.requireNonNull(at);
    Objects.requireNonNull(heartbeat);
    names = List.copyOf(names);
    items = List.copyOf(items);
    nodes = List.copyOf(nodes);
    pollers = Map.copyOf(pollers);
  }

  /** The worker's status file as read now, empty when there is none or it cannot be read. */
  public static Optional<WorkerStatus> heartbeat(TendedConfig cfg) {
    try {
      return Optional.of(StatusFiles.read(cfg.heartbeat().file()));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /**
   * Reads the ledger's part; throws what the view throws when the ledger cannot be read.
   *
   * @param recent how many of the newest items to keep (none when not positive)
   */
  public static StatusSnapshot read(TendedConfig cfg, LedgerView ledger, Optional<WorkerStatus> heartbeat,
      StatusFilter filter, int recent, Instant now) {
    List<String> names = cfg.sources().stream().map(SourceConfig::name).filter(filter::keepsSource).toList();
    Map<String, Map<ItemState, Long>> counts = ledger.countsBySource();
    long total = counts.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    Map<String, SourcePause> pauses = ledger.pauses();
    Map<String, SourceFlow> flow = flow(ledger, heartbeat, now);
    List<ItemRecord> items = filter.newest(ledger, Math.max(0, recent), total);
    return new StatusSnapshot(now, heartbeat, names, counts, pauses, flow, items, nodes(cfg, ledger),
        pollers(cfg, ledger, names));
  }

  /** A shared ledger's nodes with their last beats and what each runs now; none on a ledger of one host. */
  public static List<StatusJson.Node> nodes(TendedConfig cfg, LedgerView ledger) {
    return cfg.ledger().shared()
        ? StatusJson.Node.of(ledger.nodes(), ledger.running(), cfg.supervisor().staleAfter()) : List.of();
  }

  /**
   * On a shared ledger, the node that polls each of {@code sources} now ({@link StatusJson.Poller#NONE}
   * between a poller's death and the take-over); empty on a ledger of one host.
   */
  public static Map<String, StatusJson.Poller> pollers(TendedConfig cfg, LedgerView ledger, List<String> sources) {
    Map<String, StatusJson.Poller> pollers = new LinkedHashMap<>();
    if (cfg.ledger().shared()) {
      sources.forEach(n -> pollers.put(n, StatusJson.Poller.NONE));
      ledger.pollers().stream().filter(o -> pollers.containsKey(o.source()))
          .forEach(o -> pollers.put(o.source(), StatusJson.Poller.of(o)));
    }
    return pollers;
  }

  /** The JSON model; the heartbeat is stale when older than {@code staleAfter}. */
  public StatusJson json(Duration staleAfter) {
    return new StatusJson(at, heartbeat.map(s -> StatusJson.Heartbeat.of(s, at, staleAfter)).orElse(null),
        names.stream().map(n -> StatusJson.Source.of(n, counts.getOrDefault(n, Map.of()),
            Optional.ofNullable(pauses.get(n)), heartbeat.map(s -> s.sources().get(n)),
            flow.getOrDefault(n, SourceFlow.NONE), Optional.ofNullable(pollers.get(n)), at)).toList(),
        items.stream().map(StatusJson.Item::of).toList(), nodes.isEmpty() ? null : nodes);
  }

  /** The flow as the heartbeat last saw it, for a ledger that cannot say (its age then grows since then). */
  public static Map<String, SourceFlow> flowFromStatus(WorkerStatus status) {
    Map<String, SourceFlow> m = new LinkedHashMap<>();
    status.sources().forEach((name, s) -> m.put(name, new SourceFlow(
        s.oldestPendingAgeSeconds() == null || status.updatedAt() == null ? null
            : status.updatedAt().minusMillis(Math.round(s.oldestPendingAgeSeconds() * 1000)),
        s.lastFinishedAt(), s.lastSucceededAt())));
    return m;
  }

  private static Map<String, SourceFlow> flow(LedgerView ledger, Optional<WorkerStatus> heartbeat, Instant now) {
    try {
      return ledger.flowBySource(now);
    } catch (RuntimeException e) {
      return heartbeat.map(StatusSnapshot::flowFromStatus).orElse(Map.of());
    }
  }
}
