package dev.tended.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DroppingAsyncAppenderTest {
  private static final int EVENTS = 5000;

  /** An output that blocks until released, as a write to a full pipe does. */
  private static final class BlockedOutput extends AppenderBase<ILoggingEvent> {
    final CountDownLatch released = new CountDownLatch(1);
    final AtomicLong written = new AtomicLong();

    @Override
    protected void append(ILoggingEvent event) {
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.incrementAndGet();
    }
  }

  @Test
  void aBlockedOutputMakesLinesDropAndCountNotTheCallerWait() {
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    BlockedOutput output = new BlockedOutput();
    output.setContext(ctx);
    output.start();
    DroppingAsyncAppender async = new DroppingAsyncAppender();
    async.setContext(ctx);
    async.addAppender(output);
    async.start();
    Logger logger = ctx.getLogger("test");

    CompletableFuture<Void> logging = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < EVENTS; i++) {
        async.doAppend(new LoggingEvent("test", logger, Level.ERROR, "event_" + i, null, null));
      }
    });
    await("the caller never waits for the blocked output").atMost(Duration.ofSeconds(30)).until(logging::isDone);
    logging.join(); // rethrows what the logging threw
    // the queue, and as many again that its thread took from it at once
    assertThat(async.dropped()).isGreaterThanOrEqualTo(EVENTS - 2L * DroppingAsyncAppender.QUEUE_SIZE);

    output.released.countDown();
    async.setMaxFlushTime(30_000);
    async.stop();
    assertThat(output.written.get() + async.dropped()).as("every event written or counted").isEqualTo(EVENTS);
  }
}
