package dev.tended.supervisor.web;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.RunningItem;
import dev.tended.ledger.SourcePause;
import dev.tended.status.SourceStatus;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.read.StatusJson;
import dev.tended.supervisor.read.StatusSnapshot;
import dev.tended.supervisor.restart.RestartEvent;
import dev.tended.supervisor.restart.StateFile;
import dev.tended.supervisor.restart.SupervisorState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /api/board}: what the page shows beside {@code /api/status}, in one read: per source its
 * counts (ledger), state (status.json: breaker, paused, draining, backlog age, queue fault), chart
 * points ({@link FlowSamples}) and, on a shared ledger, the node that polls it; the running items with
 * their elapsed time, output tails and node; the recent failures and dead items; the supervisor's recent
 * restarts; on a shared ledger, the nodes with their last beats (the same as {@code status} lists).
 * Every part that cannot be read is null and the rest is still sent. Stateless; each request reads afresh.
 */
final class BoardRoute implements Route {
  /** How many of the most recently updated items are looked through for failures. */
  static final int RECENT = 500;
  /** Up to this many failed (or dead) items of a source are read by state; beyond, from the recent ones. */
  static final int LISTED = 1000;
  /** How many failures and dead items are sent at most. */
  static final int FAILURES = 50;
  /** How many restarts are sent at most, newest first. */
  static final int RESTARTS = 20;

  /** One source's row. */
  record Source(String name, Map<String, Long> counts, boolean paused, boolean draining, String pausedBy,
      Instant pausedSince, String breaker, Instant breakerOpenUntil, Double oldestPendingAgeSeconds,
      Instant lastSucceededAt, String queueFault, String lastPollError, List<FlowSamples.Point> chart,
      StatusJson.Poller poller) {}

  /** A running item; {@code node} is whose attempt it is (this host's name on a ledger of one host). */
  record Running(String source, String id, int attempt, Instant startedAt, long elapsedMs, String stdoutTail,
      String stderrTail, String node) {}

  /** A failed (waiting for a retry) or dead item. */
  record Failure(String source, String id, String state, int attempts, Integer exitCode, String lastError,
      Instant updatedAt, Instant nextAttemptAt) {}

  /** The worker as its status file tells it. */
  record Worker(long pid, String state, long sequence, Instant updatedAt, double ageSeconds) {}

  /** The supervisor's restarts. */
  record Restarts(String state, int failuresInARow, boolean crashLooping, List<RestartEvent> recent) {}

  /**
   * The whole answer; {@code sharedLedger} says whether the ledger is several nodes' (then {@code nodes}
   * lists them, null while the ledger cannot be read), and {@code nodes} is empty on a ledger of one host.
   */
  record Board(Instant at, boolean sharedLedger, Worker worker, List<Source> sources, List<Running> running,
      List<Failure> failures, Restarts restarts, List<StatusJson.Node> nodes, Map<String, Object> errors) {}

  private final TendedConfig config;
  private final LedgerReads ledger;
  private final FlowSamples samples;
  private final Clock clock;

  BoardRoute(TendedConfig config, LedgerReads ledger, FlowSamples samples, Clock clock) {
    this.config = Objects.requireNonNull(config);
    this.ledger = Objects.requireNonNull(ledger);
    this.samples = Objects.requireNonNull(samples);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public Reply handle(Request request) {
    return Reply.json(200, board());
  }

  Board board() {
    Instant now = clock.instant();
    Map<String, Object> errors = new java.util.TreeMap<>();
    Optional<WorkerStatus> status = Optional.empty();
    try {
      status = Optional.of(StatusFiles.read(config.heartbeat().file()));
    } catch (Exception e) {
      errors.put("status", "no readable status file at " + config.heartbeat().file() + ": " + e.getMessage());
    }
    Worker worker = status.map(s -> new Worker(s.pid(), s.state(), s.sequence(), s.updatedAt(),
        s.updatedAt() == null ? -1 : Math.max(0, Duration.between(s.updatedAt(), now).toMillis()) / 1000.0)).orElse(null);
    Map<String, Map<ItemState, Long>> counts = attempt(errors, "counts", l -> l.countsBySource());
    Map<String, SourcePause> pauses = attempt(errors, "pauses", LedgerView::pauses);
    Map<String, List<FlowSamples.Point>> charts = samples.points();
    List<String> names = config.sources().stream().map(SourceConfig::name).toList();
    Map<String, StatusJson.Poller> pollers = attempt(errors, "pollers", l -> StatusSnapshot.pollers(config, l, names));
    List<Source> sources = new ArrayList<>();
    for (SourceConfig sc : config.sources()) {
      String name = sc.name();
      SourceStatus st = status.map(s -> s.sources().get(name)).orElse(null);
      Map<String, Long> c = new java.util.LinkedHashMap<>();
      Map<ItemState, Long> fromLedger = counts == null ? null : counts.getOrDefault(name, LedgerView.emptyCounts());
      for (ItemState s : List.of(ItemState.PENDING, ItemState.RUNNING, ItemState.FAILED, ItemState.DEAD,
          ItemState.SUCCEEDED)) {
        c.put(s.wireName(), fromLedger != null ? fromLedger.getOrDefault(s, 0L) : st == null ? 0L : fromStatus(st, s));
      }
      SourcePause pause = pauses == null ? null : pauses.get(name);
      sources.add(new Source(name, c, pause != null || (st != null && st.paused()), st != null && st.draining(),
          pause == null ? null : pause.askedBy(), pause == null ? null : pause.since(),
          st == null || st.breaker() == null ? null : st.breaker().state(),
          st == null || st.breaker() == null ? null : st.breaker().openUntil(),
          st == null ? null : st.oldestPendingAgeSeconds(), st == null ? null : st.lastSucceededAt(),
          st == null || st.fault() == null ? null : st.fault().describe(),
          st == null || st.lastPollOk() ? null : st.lastError(), charts.getOrDefault(name, List.of()),
          pollers == null ? null : pollers.get(name)));
    }
    List<Running> running = attempt(errors, "running", l -> running(l, now));
    List<Failure> failures = attempt(errors, "failures", this::failures);
    Restarts restarts = null;
    try {
      restarts = StateFile.read(StateFile.in(config.dataDir())).map(BoardRoute::restarts).orElse(null);
    } catch (Exception e) {
      errors.put("restarts", StateFile.NAME + " cannot be read: " + e.getMessage());
    }
    List<StatusJson.Node> nodes = attempt(errors, "nodes", l -> StatusSnapshot.nodes(config, l));
    return new Board(now, config.ledger().shared(), worker, sources, running, failures, restarts, nodes, errors);
  }

  private <T> T attempt(Map<String, Object> errors, String part, java.util.function.Function<LedgerView, T> read) {
    try {
      return ledger.read(read).orElse(null);
    } catch (RuntimeException e) {
      errors.put(part, "ledger " + config.ledgerFile() + " cannot be read: " + e.getMessage());
      return null;
    }
  }

  private List<Running> running(LedgerView l, Instant now) {
    List<Running> out = new ArrayList<>();
    for (RunningItem r : l.running()) {
      ItemRecord item = r.item();
      List<AttemptRecord> attempts = l.attempts(item.seq());
      int n = attempts.isEmpty() ? item.attempts() + 1 : attempts.get(attempts.size() - 1).attempt();
      Path folder = WorkFolders.of(config.workDir(), item.source(), item.id(), item.contentHash());
      Instant started = item.lastStartedAt();
      out.add(new Running(item.source(), item.id(), n, started,
          started == null ? 0 : Math.max(0, Duration.between(started, now).toMillis()),
          OutputTail.of(config.workDir(), folder.resolve("attempt-" + n + ".stdout")).orElse(null),
          OutputTail.of(config.workDir(), folder.resolve("attempt-" + n + ".stderr")).orElse(null), r.node()));
    }
    return out;
  }

  /**
   * The failed and dead items, newest first, at most {@link #FAILURES}: read per source and state when
   * that source holds at most {@link #LISTED} of them (so a busy source does not push a quiet one's dead
   * items out of view), else from the {@link #RECENT} most recently changed items.
   */
  private List<Failure> failures(LedgerView l) {
    Map<String, Map<ItemState, Long>> counts = l.countsBySource();
    List<ItemRecord> found = new ArrayList<>();
    boolean anyTooMany = false;
    for (SourceConfig sc : config.sources()) {
      Map<ItemState, Long> c = counts.getOrDefault(sc.name(), LedgerView.emptyCounts());
      for (ItemState state : List.of(ItemState.FAILED, ItemState.DEAD)) {
        long n = c.getOrDefault(state, 0L);
        if (n > LISTED) {
          anyTooMany = true;
        } else if (n > 0) {
          found.addAll(l.inState(sc.name(), state));
        }
      }
    }
    if (anyTooMany) {
      for (ItemRecord r : l.recent(RECENT)) {
        if (r.state() == ItemState.FAILED || r.state() == ItemState.DEAD) {
          found.add(r);
        }
      }
    }
    Map<Long, ItemRecord> unique = new java.util.LinkedHashMap<>();
    found.forEach(r -> unique.putIfAbsent(r.seq(), r));
    return unique.values().stream()
        .sorted(java.util.Comparator.comparing(ItemRecord::updatedAt,
            java.util.Comparator.nullsFirst(java.util.Comparator.<Instant>naturalOrder())).reversed())
        .limit(FAILURES)
        .map(r -> new Failure(r.source(), r.id(), r.state().wireName(), r.attempts(), r.lastExitCode(), r.lastError(),
            r.updatedAt(), r.state() == ItemState.FAILED ? r.nextAttemptAt() : null))
        .toList();
  }

  private static Restarts restarts(SupervisorState s) {
    List<RestartEvent> recent = new ArrayList<>(s.restarts());
    java.util.Collections.reverse(recent);
    return new Restarts(s.state(), s.failuresInARow(), s.crashLooping(),
        recent.subList(0, Math.min(RESTARTS, recent.size())));
  }

  private static long fromStatus(SourceStatus st, ItemState s) {
    return switch (s) {
      case PENDING -> st.pending();
      case RUNNING -> st.running();
      case FAILED -> st.failed();
      case DEAD -> st.dead();
      case SUCCEEDED -> st.succeeded();
    };
  }
}
