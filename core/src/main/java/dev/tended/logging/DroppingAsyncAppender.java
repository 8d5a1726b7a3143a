package dev.tended.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logback's {@link AsyncAppender} set so that logging never waits: events go to a bounded queue that
 * one thread drains into the wrapped appender (stdout, or the log file); when that output is slow or
 * blocked (a full stdout pipe nobody reads) and the queue has less than {@link #HEADROOM} free slots,
 * each further event is dropped and counted rather than queued, so a handler thread, a poll or the
 * supervisor's watch loop never blocks in a log call. Each output has its own queue, so a blocked
 * stdout does not stop lines reaching the file.
 *
 * <p>The drop decision is Logback's own discarding check, applied to every level: an event is dropped
 * when the queue is nearly full, which keeps the count exact (a plain never-blocking offer on a full
 * queue would lose the event without saying so; the headroom absorbs threads racing past the check).
 * {@link #dropped()} is written by the logging threads and read by {@link DropReport}. Public only
 * because Logback's configuration file names it.
 */
public final class DroppingAsyncAppender extends AsyncAppender {
  /** Free slots kept: with fewer, events are dropped and counted. */
  static final int HEADROOM = 64;
  /** Events the queue holds. */
  static final int QUEUE_SIZE = 1024;

  private final AtomicLong dropped = new AtomicLong();

  /** A never-blocking appender; attach the output with {@link #addAppender}, then start it. */
  public DroppingAsyncAppender() {
    setQueueSize(QUEUE_SIZE);
    setDiscardingThreshold(HEADROOM);
    setNeverBlock(true);
    setMaxFlushTime(1000); // at stop: a blocked output must not hold the exit
  }

  @Override
  protected boolean isDiscardable(ILoggingEvent event) {
    dropped.incrementAndGet();
    return true;
  }

  /** Events dropped since the start, because the output could not keep up. */
  public long dropped() {
    return dropped.get();
  }
}
