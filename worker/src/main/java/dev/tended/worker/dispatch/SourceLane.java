package dev.tended.worker.dispatch;

import dev.tended.config.SourceConfig;
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
 * <p>Not thread-safe: {@code running} and the breaker are owned by the dispatcher thread; the pool
 * is only submitted to from that thread.
 */
final class SourceLane {
  final SourceConfig source;
  final Backoff backoff;
  final CircuitBreaker breaker;
  final ExecutorService pool;
  int running;
  /** Something may have become due (new items, a finished attempt): look at the ledger next cycle. */
  boolean checkNow = true;
  /** Otherwise look no later than this (monotonic nanos): the next retry's time, or a safety period. */
  long nextCheckNanos;

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

  int free() {
    return source.concurrency() - running;
  }
}
