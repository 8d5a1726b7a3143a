package dev.tended.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
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
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong written = new AtomicLong();

  /** A never-blocking appender; attach the output with {@link #addAppender}, then start it. */
  public DroppingAsyncAppender() {
    setQueueSize(QUEUE_SIZE);
    setDiscardingThreshold(HEADROOM);
    setNeverBlock(true);
    setMaxFlushTime(1000); // at the stop: a blocked output must not hold the exit
  }

  /** Attaches {@code output} (started by its owner), counting what reaches it (see {@link #pending()}). */
  @Override
  public void addAppender(Appender<ILoggingEvent> output) {
    Counted counted = new Counted(output);
    counted.start();
    super.addAppender(counted);
  }

  @Override
  protected void preprocess(ILoggingEvent event) {
    queued.incrementAndGet(); // called for each event about to be queued, after the drop decision
    super.preprocess(event);
  }

  /** Events queued and not yet handed to the output: in the queue, or taken by its thread. */
  public long pending() {
    return queued.get() - written.get();
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

  /** The output, counting the events handed to it. */
  private final class Counted extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private final Appender<ILoggingEvent> output;

    Counted(Appender<ILoggingEvent> output) {
      this.output = output;
      setName(output.getName());
      setContext(output.getContext());
    }

    @Override
    protected void append(ILoggingEvent event) {
      try {
        output.doAppend(event);
      } finally {
        written.incrementAndGet();
      }
    }

    @Override
    public void stop() {
      super.stop();
      output.stop();
    }
  }
}
