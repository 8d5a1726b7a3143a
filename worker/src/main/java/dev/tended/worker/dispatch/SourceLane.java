package dev.tended.worker.dispatch;

import dev.tended.config.SourceConfig;
import dev.tended.status.RecordingFault;
import dev.tended.worker.heartbeat.SourceHold;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One source's share of the dispatcher: its bounded handler pool ({@code concurrency} threads named
 * {@code handler-<source>-N}), its circuit breaker and how many of its attempts are running.
 *
 * <p>Not thread-safe: {@code running}, the pause, the breaker and the recording troubles are owned by the
 * dispatcher thread; the pool is only submitted to from that thread.
 */
final class SourceLane {
  final SourceConfig source;
  final Backoff backoff;
  final CircuitBreaker breaker;
  final ExecutorService pool;
  int running;
  /** An operator paused the source: nothing of it is claimed. */
  boolean paused;
  /** The pause lets running handlers finish (they were not handed back). */
  boolean drain;
  /** Something may have become due (new items, a finished attempt): look at the ledger next cycle. */
  boolean checkNow = true;
  /** Otherwise look no later than this (monotonic nanos): the next retry's time, or a safety period. */
  long nextCheckNanos;
  /** Attempts (by item seq) whose outcome cannot be recorded yet, since when and why; the latest trouble last. */
  private final Map<Long, RecordingFault> recordTroubles = new LinkedHashMap<>();

  SourceLane(SourceConfig source, Backoff backoff, CircuitBreaker breaker) {
    this.source = source;
    this.backoff = backoff;
    this.breaker = breaker;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "handler-" + source.name() + "-" + n.incrementAndGet());
      t.setDaemon(false);
      return t;
    };
    this.pool = new ThreadPoolExecutor(source.concurrency(), source.concurrency(), 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), threads);
  }

  /**
   * Attempts that may start now; none while paused, nor while adopted ones keep it at or over a
   * lowered concurrency.
   */
  int free() {
    return paused ? 0 : Math.max(0, source.concurrency() - running);
  }

  /** How the heartbeat shows the pause. */
  SourceHold hold() {
    return paused ? new SourceHold(true, drain && running > 0) : SourceHold.NONE;
  }

  /** Attempt {@code seq} could not record its outcome {@code at}, for {@code why}. */
  void recordFailing(long seq, String why, Instant at) {
    RecordingFault before = recordTroubles.remove(seq);
    recordTroubles.put(seq, new RecordingFault(before != null ? before.since() : at, why));
  }

  /** Attempt {@code seq} is over and has no trouble recording any more. */
  void recorded(long seq) {
    recordTroubles.remove(seq);
  }

  /**
   * While attempts are still failing to record their outcome: since the oldest of them first failed,
   * with the latest trouble.
   */
  Optional<RecordingFault> recordError() {
    Instant since = null;
    String latest = null;
    for (RecordingFault f : recordTroubles.values()) {
      since = since == null || f.since().isBefore(since) ? f.since() : since;
      latest = f.reason();
    }
    return latest == null ? Optional.empty() : Optional.of(new RecordingFault(since, latest));
  }
}
