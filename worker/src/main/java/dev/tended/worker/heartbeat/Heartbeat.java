package dev.tended.worker.heartbeat;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SourceFlow;
import dev.tended.io.AtomicFiles;
import dev.tended.io.IoErrors;
import dev.tended.logging.Kv;
import dev.tended.status.BreakerStatus;
import dev.tended.status.FastPath;
import dev.tended.status.LedgerReach;
import dev.tended.status.RecordingFault;
import dev.tended.status.SourceStatus;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.worker.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites {@code status.json} every {@code heartbeat.interval} with a growing {@code sequence}, but
 * only while every poller and the dispatcher are completing cycles: when one is wedged past half of
 * {@code supervisor.staleAfter}, the beat is withheld (and logged), so the supervisor sees the
 * sequence stop and restarts the worker well within {@code staleAfter}. The same holds for an attempt
 * whose handler has ended but whose outcome has not been recorded within that limit (its thread is
 * stuck in a write, a lock, a log call, or recording keeps failing): work that is not finished is no
 * progress. A long handler is not a wedge: the dispatcher keeps cycling while handlers run, and the
 * recording clock starts only when the handler ends. A long poll that keeps recording batches is not
 * one either. A tick that comes late because the whole process
 * was held (SIGSTOP, a VM pause) is logged once as {@code process_paused} and that gap is excused, so
 * the pollers are not named as wedged for it ({@link PauseDetector}).
 *
 * <p>Each beat also says whether work flows per source (the oldest due item's age, the last finished
 * and last succeeded attempt, from one {@link LedgerView#flowBySource} read; the pollers' failed
 * polls): a fresh beat proves the loops run, and these prove that items move.
 *
 * <p>Owns its thread ({@code heartbeat}); the sequence and last counts are touched only there, and by
 * the stopping thread once that thread has ended.
 */
public final class Heartbeat implements Managed {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final TendedConfig config;
  private final LedgerView ledger;
  private final ProgressBoard progress;
  private final Supplier<Map<String, PollReport>> polls;
  private final Supplier<Map<String, BreakerStatus>> breakers;
  private final Supplier<Map<String, RecordingFault>> recordErrors;
  private final Supplier<Map<String, SourceHold>> holds;
  private final Supplier<FastPath> fastPath;
  private final Supplier<LedgerReach> ledgerReach;
  private final BeatListener listener;
  private final Clock clock;
  private final Instant startedAt;
  private final long pid = ProcessHandle.current().pid();
  private final String version;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "heartbeat"));
  private PauseDetector pauses;
  private long sequence;
  private Map<String, Map<ItemState, Long>> lastCounts = Map.of();
  private Map<String, SourceFlow> lastFlow = Map.of();
  private String flowProblem;
  /** The reason the counts could not be read at the last beat, null when they could: logged when it starts or changes. */
  private String countsProblem;
  private boolean withholding;

  public Heartbeat(TendedConfig config, LedgerView ledger, ProgressBoard progress,
      Supplier<Map<String, PollReport>> polls, Supplier<Map<String, BreakerStatus>> breakers,
      Supplier<Map<String, RecordingFault>> recordErrors, Supplier<Map<String, SourceHold>> holds,
      Supplier<FastPath> fastPath, Supplier<LedgerReach> ledgerReach, BeatListener listener, Clock clock,
      String version) {
    this.holds = holds;
    this.config = config;
    this.ledger = ledger;
    this.progress = progress;
    this.polls = polls;
    this.breakers = breakers;
    this.recordErrors = recordErrors;
    this.fastPath = fastPath;
    this.ledgerReach = ledgerReach;
    this.listener = listener;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.version = version;
  }

  /** The limit past which a part that has not completed a cycle counts as wedged. */
  public Duration wedgeLimit() {
    return config.supervisor().staleAfter().dividedBy(2);
  }

  /** Writes the first beat now and then one every interval. */
  @Override
  public void start() {
    try {
      int removed = AtomicFiles.removeStaleTemps(config.heartbeat().file());
      if (removed > 0) {
        log.info("stale_temp_files_removed file={} count={}", Kv.q(config.heartbeat().file()), removed);
      }
    } catch (java.io.IOException e) {
      log.warn("stale_temp_files_not_removed file={} error={}", Kv.q(config.heartbeat().file()),
          Kv.q(IoErrors.describe(e)));
    }
    Duration interval = config.heartbeat().interval();
    pauses = new PauseDetector(System::nanoTime, interval, PauseDetector.thresholdFor(interval));
    long every = interval.toMillis();
    timer.scheduleAtFixedRate(this::tick, 0, every, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      pauses.tick().ifPresent(gap -> {
        log.warn("process_paused gap_ms={} note=\"the whole worker was held (SIGSTOP, VM pause); no part is blamed for it\"",
            gap.toMillis());
        progress.excusePause(gap);
      });
      List<ProgressBoard.Wedge> wedges = progress.wedged(wedgeLimit());
      if (!wedges.isEmpty()) {
        if (!withholding) {
          log.warn("heartbeat_withheld wedged={}", Kv.q(wedges.stream()
              .map(w -> w.part() + " stuck_ms=" + w.stuckFor().toMillis()).collect(Collectors.joining(", "))));
        }
        withholding = true;
        listener.withheld(wedges);
        return;
      }
      if (withholding) {
        log.info("heartbeat_resumed");
        withholding = false;
      }
      WorkerStatus status = write("running");
      listener.beat(status);
    } catch (Throwable t) {
      log.error("heartbeat_failed disk_full={} error={}", IoErrors.diskFull(t), Kv.q(IoErrors.describe(t)), t);
    }
  }

  private WorkerStatus write(String state) throws java.io.IOException {
    Instant now = clock.instant();
    try {
      lastCounts = ledger.countsBySource();
      countsProblem = null;
    } catch (RuntimeException e) {
      String problem = String.valueOf(e.getMessage());
      if (!problem.equals(countsProblem)) { // a database outage would log it at every beat
        log.warn("heartbeat_counts_unavailable error={}", Kv.q(problem));
      }
      countsProblem = problem;
    }
    readFlow(now);
    Map<String, PollReport> reports = polls.get();
    Map<String, BreakerStatus> breakerNow = breakers.get();
    Map<String, RecordingFault> recordErrorsNow = recordErrors.get();
    Map<String, SourceHold> holdsNow = holds.get();
    Map<String, SourceStatus> sources = new LinkedHashMap<>();
    config.sources().forEach(s -> {
      Map<ItemState, Long> c = lastCounts.getOrDefault(s.name(), Map.of());
      PollReport p = reports.getOrDefault(s.name(), PollReport.NOT_YET);
      RecordingFault recording = recordErrorsNow.get(s.name());
      SourceFlow flow = lastFlow.getOrDefault(s.name(), SourceFlow.NONE);
      Duration oldest = flow.oldestDueAge(now);
      SourceHold hold = holdsNow.getOrDefault(s.name(), SourceHold.NONE);
      sources.put(s.name(), new SourceStatus(p.lastPollAt(), p.lastPollOk(),
          c.getOrDefault(ItemState.PENDING, 0L), c.getOrDefault(ItemState.RUNNING, 0L),
          c.getOrDefault(ItemState.SUCCEEDED, 0L), c.getOrDefault(ItemState.FAILED, 0L),
          c.getOrDefault(ItemState.DEAD, 0L), p.lastError() != null ? p.lastError() : recording == null ? null : recording.reason(),
          breakerNow.getOrDefault(s.name(), BreakerStatus.CLOSED), p.fault(), recording,
          hold.paused(), oldest == null ? null : oldest.toMillis() / 1000.0, flow.lastFinishedAt(),
          flow.lastSucceededAt(), p.errors(), hold.draining()));
    });
    WorkerStatus status = new WorkerStatus(WorkerStatus.SCHEMA, pid, state, version, startedAt, now,
        ++sequence, sources, fastPath.get(), ledgerReach.get());
    StatusFiles.write(config.heartbeat().file(), status);
    return status;
  }

  /**
   * Reads whether work flows ({@link LedgerView#flowBySource}, one read per beat); when the read fails
   * the last values are kept (the oldest due item's age still grows, measured at {@code now}), and the
   * failure is logged when it starts or its reason changes.
   */
  private void readFlow(Instant now) {
    try {
      lastFlow = ledger.flowBySource(now);
      flowProblem = null;
    } catch (RuntimeException e) {
      String problem = String.valueOf(e.getMessage());
      if (!problem.equals(flowProblem)) {
        log.warn("heartbeat_flow_unavailable error={}", Kv.q(problem));
      }
      flowProblem = problem;
    }
  }

  /**
   * Stops beating (waiting within {@code budget} for a tick in progress) and writes a last status
   * with {@code state: "stopping"}.
   */
  @Override
  public void stop(Duration budget) {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(Math.max(1, budget.toMillis() / 2), TimeUnit.MILLISECONDS)) {
        log.warn("heartbeat_stop_timeout waited_ms={}", Math.max(1, budget.toMillis() / 2));
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeFinal("stopping");
  }

  /** Writes a last status with {@code state} ("stopping", "stopped"); after {@link #stop}. */
  public void writeFinal(String state) {
    try {
      write(state);
    } catch (Exception e) {
      log.error("heartbeat_failed state={} disk_full={} error={}", state, IoErrors.diskFull(e), Kv.q(IoErrors.describe(e)));
    }
  }
}
