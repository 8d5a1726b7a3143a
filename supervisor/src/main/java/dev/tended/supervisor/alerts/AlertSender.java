package dev.tended.supervisor.alerts;

import dev.tended.logging.Kv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread ({@code alert-command}) that delivers the book's notifications in order, one run of the
 * command at a time. A failed run (non-zero exit, timeout, cannot start) is logged and the same
 * notification tried again after a backoff that doubles from {@code retryInitial} to
 * {@code retryMax}; the ones behind it wait (order is kept). Nothing else waits for it: the watch
 * thread, the evaluation and the worker never block on a command.
 */
final class AlertSender {
  private static final Logger log = LoggerFactory.getLogger(AlertSender.class);
  /** The longest the thread sleeps before looking at the book again. */
  private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

  private final AlertBook book;
  private final AlertCommand command;
  private final Clock wall;
  private final Duration retryInitial;
  private final Duration retryMax;
  private final Duration stopLimit;
  private final Semaphore wake = new Semaphore(0);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Thread thread;

  AlertSender(AlertBook book, AlertCommand command, Clock wall, Duration retryInitial, Duration retryMax,
      Duration stopLimit) {
    this.book = book;
    this.command = command;
    this.wall = wall;
    this.retryInitial = retryInitial;
    this.retryMax = retryMax;
    this.stopLimit = stopLimit;
    this.thread = new Thread(this::run, "alert-command");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Something was queued: look now rather than at the next idle check. */
  void wake() {
    wake.release();
  }

  private void run() {
    while (!stopping.get()) {
      try {
        Optional<Notification> next = book.next();
        Instant now = wall.instant();
        if (next.isEmpty() || next.get().notBefore().isAfter(now)) {
          long waitMs = next.map(n -> Math.min(Duration.between(now, n.notBefore()).toMillis(), IDLE_CHECK.toMillis()))
              .orElse(IDLE_CHECK.toMillis());
          wake.tryAcquire(Math.max(1, waitMs), TimeUnit.MILLISECONDS);
          wake.drainPermits();
          continue;
        }
        deliver(next.get());
      } catch (InterruptedException e) {
        if (stopping.get()) {
          break;
        }
      } catch (RuntimeException e) {
        // Never dies silently: the next notification (or this one again) is tried at the next check.
        log.error("alert_command_failed alert=- state=- source=\"\" reason={} tries=- retry_in_ms={}",
            Kv.q(e.toString()), IDLE_CHECK.toMillis(), e);
        sleepQuietly();
      }
    }
  }

  private void deliver(Notification n) throws InterruptedException {
    AlertCommand.Outcome o = command.run(n);
    if (o.ok()) {
      book.delivered(n);
      log.info("alert_sent alert={} state={} source={} took_ms={} tries={}", n.key().alert().id(), n.state(),
          Kv.q(n.key().source()), o.tookMs(), n.tries() + 1);
      return;
    }
    Duration delay = delayAfter(n.tries() + 1);
    book.failed(n, wall.instant().plus(delay));
    log.warn("alert_command_failed alert={} state={} source={} reason={} tries={} retry_in_ms={}",
        n.key().alert().id(), n.state(), Kv.q(n.key().source()), Kv.q(o.failure()), n.tries() + 1, delay.toMillis());
  }

  /** The wait after the {@code failures}th failed run: doubling from retryInitial, at most retryMax. */
  Duration delayAfter(int failures) {
    Duration d = retryInitial;
    for (int i = 1; i < failures && d.compareTo(retryMax) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(retryMax) > 0 ? retryMax : d;
  }

  private void sleepQuietly() {
    try {
      wake.tryAcquire(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the thread; a run in progress is killed and its notification stays for the next start. Idempotent. */
  void stop() {
    if (stopping.getAndSet(true)) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(stopLimit.toMillis());
      if (thread.isAlive()) {
        log.warn("alert_sender_stop_limit_hit limit_ms={} action=left_behind", stopLimit.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
