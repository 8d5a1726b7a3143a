package dev.tended.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.awaitility.core.ThrowingRunnable;

/**
 * How a test checks the log of a process that still runs. The worker and the supervisor log through
 * an asynchronous appender (so that logging never blocks them), so a line reaches the file a moment
 * after the other signs of its event (a ledger state, a file, a beat) that the test waited on: read
 * once, it may not be there yet. A process that has exited has flushed its log and may be read once.
 */
public final class LogLines {
  /** Far longer than the appender's queue takes to drain on a busy machine. */
  public static final Duration FLUSH = Duration.ofSeconds(10);

  private LogLines() {}

  /** Waits until {@code check}, an assertion on a log, passes; fails with its last error after {@link #FLUSH}. */
  public static void awaitLogged(ThrowingRunnable check) {
    await("the line reaches the log").atMost(FLUSH).untilAsserted(check);
  }
}
