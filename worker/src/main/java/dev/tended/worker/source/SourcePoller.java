package dev.tended.worker.source;

import dev.tended.queue.QueueSource;
import dev.tended.queue.PollOutcome;
import dev.tended.queue.QueueItem;
import dev.tended.queue.KnownItems;

import dev.tended.config.SourceConfig;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.NewItem;
import dev.tended.io.IoErrors;
import dev.tended.logging.Kv;
import dev.tended.status.QueueFault;
import dev.tended.worker.heartbeat.PollReport;
import dev.tended.worker.heartbeat.ProgressBoard;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of one source: read what is new, record it in the ledger before anything else, publish
 * what was learned for the heartbeat, and wake the dispatcher when there is new work. Every batch
 * recorded counts as progress on the {@link ProgressBoard}, so a first poll of a huge backlog that
 * takes many heartbeat intervals keeps the heartbeat going, while a poll stuck between batches still
 * stops it. Never throws:
 * a poll that fails is logged, reported in the status file, and the next one runs as scheduled.
 *
 * <p>Called by one Quartz thread at a time (the job is {@code @DisallowConcurrentExecution}); the
 * report is an immutable value published through an atomic reference.
 */
public final class SourcePoller {
  private static final Logger log = LoggerFactory.getLogger(SourcePoller.class);

  private final SourceConfig config;
  private final QueueSource source;
  private final ItemLedger ledger;
  private final ProgressBoard progress;
  private final Runnable onNewItems;
  private final Clock clock;
  private final AtomicReference<PollReport> report = new AtomicReference<>(PollReport.NOT_YET);
  private final AtomicBoolean pollRequested = new AtomicBoolean();
  private String lastLoggedProblem;
  /** Items the last read offered, every one of them recorded: skipped when offered again. */
  private KnownItems known = KnownItems.NONE;
  /** Items the last read offered and refused: refused again, without another look, while offered. */
  private KnownItems refusedItems = KnownItems.NONE;
  /** The first item refused, reported until a read no longer offers any refused item; or null. */
  private QueueFault refused;

  public SourcePoller(SourceConfig config, QueueSource source, ItemLedger ledger, ProgressBoard progress,
      Runnable onNewItems, Clock clock) {
    this.config = Objects.requireNonNull(config);
    this.source = Objects.requireNonNull(source);
    this.ledger = Objects.requireNonNull(ledger);
    this.progress = Objects.requireNonNull(progress);
    this.onNewItems = Objects.requireNonNull(onNewItems);
    this.clock = Objects.requireNonNull(clock);
  }

  /** The name this poller reports its cycles under, and its thread's name while polling. */
  public String part() {
    return "poll-" + config.name();
  }

  public SourceConfig config() {
    return config;
  }

  /** What the last completed poll found. */
  public PollReport report() {
    return report.get();
  }

  /**
   * Marks an early poll as requested; true when none was already waiting to start. A poll that
   * starts clears the mark, so a change seen after a poll began reading asks for another.
   */
  boolean requestPoll() {
    return pollRequested.compareAndSet(false, true);
  }

  /**
   * Another node polls this source now: this poller is idle, not wedged (the heartbeat must not stop
   * for a source this node does not own).
   */
  void polledElsewhere() {
    progress.idle(part());
  }

  /** Withdraws a request that could not be scheduled. */
  void withdrawRequest() {
    pollRequested.set(false);
  }

  /** Polls once; catches everything. */
  public void pollOnce() {
    pollRequested.set(false);
    progress.started(part());
    int[] added = {0};
    int[] offered = {0};
    QueueFault[] refusedNow = {null};
    boolean[] stillRefused = {false};
    try {
      KnownItems.Builder offeredNow = new KnownItems.Builder();
      KnownItems.Builder refusedItemsNow = new KnownItems.Builder();
      PollOutcome outcome = source.poll(batch -> {
        List<QueueItem> fresh = new ArrayList<>(batch.size());
        for (QueueItem item : batch) {
          offered[0]++;
          offeredNow.add(item);
          if (known.contains(item)) {
            if (refusedItems.contains(item)) {
              refusedItemsNow.add(item);
              stillRefused[0] = true;
            }
            continue;
          }
          Optional<QueueFault> refusal = refusal(item, offered[0]);
          if (refusal.isPresent()) {
            refusedItemsNow.add(item);
            refusedNow[0] = refusedNow[0] == null ? refusal.get() : refusedNow[0];
          } else {
            fresh.add(item);
          }
        }
        added[0] += ledger.recordSeen(config.name(), toNew(fresh));
        progress.progressed(part());
      });
      if (outcome.readFile()) {
        known = offeredNow.build();
        refusedItems = refusedItemsNow.build();
        refused = refusedNow[0] != null ? refusedNow[0] : (stillRefused[0] ? refused : null);
      }
      String error = outcome.error().orElse(null);
      QueueFault fault = outcome.fault().orElse(null);
      // a refused item is reported while no fault of the file's own is, and does not fail the poll
      long errors = report.get().errors() + (error != null ? 1 : 0);
      report.set(new PollReport(clock.instant(), error == null && fault == null, error,
          fault != null ? fault : refused, errors));
      if (added[0] > 0) {
        log.info("poll_found source={} new={} offered={}", config.name(), added[0], outcome.itemsOffered());
        onNewItems.run();
      }
      logProblemChange(error, fault);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      String error = IoErrors.diskFull(t) ? IoErrors.describe(t) : t.getClass().getSimpleName() + ": " + t.getMessage();
      PollReport last = report.get();
      report.set(new PollReport(clock.instant(), false, error, last.fault(), last.errors() + 1));
      log.error("poll_failed source={} recorded={} disk_full={} error={}", config.name(), added[0],
          IoErrors.diskFull(t), Kv.q(error), t);
      lastLoggedProblem = null;
    } finally {
      progress.completed(part());
    }
  }

  private void logProblemChange(String error, QueueFault fault) {
    String problem = fault != null ? fault.describe() : error;
    if (Objects.equals(problem, lastLoggedProblem)) {
      return;
    }
    if (fault != null) {
      log.warn("queue_fault source={} file={} line={} column={} reason={} quarantined_as={}", config.name(),
          Kv.q(fault.file()), fault.line(), fault.column(), Kv.q(fault.reason()), Kv.q(fault.quarantinedAs()));
    } else if (error != null) {
      log.warn("poll_error source={} error={}", config.name(), Kv.q(error));
    } else {
      log.info("queue_fault_cleared source={}", config.name());
    }
    lastLoggedProblem = problem;
  }

  /**
   * Why {@code item}, the {@code place}-th the read offered, is not taken: an id longer than {@code
   * maxIdLength} (it could not be passed to a handler, and such an id is no one's name for a thing).
   * Logged here, once per read that first offers it; the same check for every source type.
   */
  private Optional<QueueFault> refusal(QueueItem item, int place) {
    String id = item.id();
    if (id.length() <= config.maxIdLength()) {
      return Optional.empty();
    }
    String reason = "id of " + id.length() + " characters is longer than maxIdLength (" + config.maxIdLength()
        + "); the item is not taken";
    String file = config.path().toString();
    log.warn("item_refused source={} file={} item={} id_start={} reason={}", config.name(), Kv.q(file), place,
        Kv.q(id.substring(0, Math.min(40, id.length()))), Kv.q(reason));
    return Optional.of(new QueueFault(file, 0, 0, "item " + place + ": " + reason, null, clock.instant()));
  }

  private static List<NewItem> toNew(List<QueueItem> batch) {
    return batch.stream().map(i -> new NewItem(i.id(), i.contentHash(), i.json())).toList();
  }
}
