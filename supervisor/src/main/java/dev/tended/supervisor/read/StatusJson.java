package dev.tended.supervisor.read;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.PollerOwners;
import dev.tended.ledger.SourceFlow;
import dev.tended.ledger.SourcePause;
import dev.tended.status.BreakerStatus;
import dev.tended.status.QueueFault;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code tended status --json} prints and {@code GET /api/status} serves: an interface scripts
 * read (docs/json.md), so fields are only ever added. One model for both, so the command and the
 * dashboard cannot drift apart. Built once by {@link StatusSnapshot#json}; immutable.
 *
 * @param checkedAt when the command looked
 * @param heartbeat the worker's status file, null when there is none (or it cannot be read)
 * @param sources the configured sources the filter keeps, in the configuration's order
 * @param items the newest items the filters keep, newest first
 */
public record StatusJson(Instant checkedAt, Heartbeat heartbeat, List<Source> sources, List<Item> items,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    List<Node> nodes) {

  /**
   * A node of a shared ledger (absent on SQLite): its last beat, on the database's clock, and how many
   * attempts it runs now.
   */
  public record Node(String node, Instant beatAt, double silentSeconds, boolean alive, long pid, String version,
      long running) {
    static List<Node> of(List<dev.tended.ledger.NodeRecord> nodes, List<dev.tended.ledger.RunningItem> running,
        Duration lease) {
      Map<String, Long> runs = running.stream().collect(java.util.stream.Collectors.groupingBy(
          dev.tended.ledger.RunningItem::node, java.util.stream.Collectors.counting()));
      return nodes.stream().map(n -> new Node(n.node(), n.beatAt(), n.silentFor().toMillis() / 1000.0,
          n.aliveWithin(lease), n.pid(), n.version(), runs.getOrDefault(n.node(), 0L))).toList();
    }
  }

  /**
   * The heartbeat as read; {@code stale} when {@code updatedAt} is older than {@code supervisor.staleAfter};
   * {@code ledger}, on a shared ledger only, whether this node's worker reaches the database.
   */
  public record Heartbeat(String state, long pid, long sequence, Instant updatedAt, Double ageSeconds, boolean stale,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      dev.tended.status.LedgerReach ledger) {
    static Heartbeat of(WorkerStatus s, Instant now, Duration staleAfter) {
      Duration age = s.updatedAt() == null ? null : Duration.between(s.updatedAt(), now);
      return new Heartbeat(s.state(), s.pid(), s.sequence(), s.updatedAt(),
          age == null ? null : Math.max(0, age.toMillis()) / 1000.0,
          age == null || age.compareTo(staleAfter) > 0, s.ledger());
    }
  }

  /**
   * One source. {@code paused} is true when the ledger holds an operator's pause or the worker reports
   * one; {@code pausedSince}/{@code pausedBy} come from the ledger's pause. {@code draining},
   * {@code breaker} and {@code fault} come from the status file (null without one); the flow figures
   * from the ledger (the status file's when the ledger cannot give them). {@code poller}, on a shared
   * ledger only, is the node that polls it now.
   */
  public record Source(String name, Map<String, Long> counts, boolean paused, Instant pausedSince, String pausedBy,
      Boolean draining, BreakerStatus breaker, QueueFault fault, Double oldestPendingAgeSeconds,
      Instant lastFinishedAt, Instant lastSucceededAt,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      Poller poller) {
    static Source of(String name, Map<ItemState, Long> counts, Optional<SourcePause> pause,
        Optional<SourceStatus> reported, SourceFlow flow, Optional<Poller> poller, Instant now) {
      Map<String, Long> byState = new LinkedHashMap<>();
      for (ItemState st : ItemState.values()) {
        byState.put(st.wireName(), counts.getOrDefault(st, 0L));
      }
      Duration age = flow.oldestDueAge(now);
      return new Source(name, byState, pause.isPresent() || reported.map(SourceStatus::paused).orElse(false),
          pause.map(SourcePause::since).orElse(null), pause.map(SourcePause::askedBy).orElse(null),
          reported.map(SourceStatus::draining).orElse(null), reported.map(SourceStatus::breaker).orElse(null),
          reported.map(SourceStatus::fault).orElse(null), age == null ? null : age.toMillis() / 1000.0,
          flow.lastFinishedAt(), flow.lastSucceededAt(), poller.orElse(null));
    }
  }

  /**
   * Who polls a source of a shared ledger, from Quartz's clustered store.
   *
   * @param node the node that polls it, null while none does (between a holder's death and the next
   *     node's take-over, at most {@code supervisor.staleAfter})
   * @param since when that node took it, by its clock; null with no node
   */
  public record Poller(String node, Instant since) {
    static Poller of(PollerOwners.PollerOwner owner) {
      return new Poller(owner.node().orElse(null), owner.node().isPresent() ? owner.since().orElse(null) : null);
    }

    /** No node polls it. */
    static final Poller NONE = new Poller(null, null);
  }

  /** One item version. */
  public record Item(String source, String id, long seq, String state, int attempts, Instant updatedAt,
      Integer lastExitCode, String lastError) {
    static Item of(ItemRecord r) {
      return new Item(r.source(), r.id(), r.seq(), r.state().wireName(), r.attempts(), r.updatedAt(),
          r.lastExitCode(), r.lastError());
    }
  }
}
