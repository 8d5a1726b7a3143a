package dev.tended.logging;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when log lines were dropped: every {@link #EVERY}, for each output that dropped lines since the
 * last look, one {@code log_lines_dropped output=stdout count=N total=M} warning. The report goes
 * through the same outputs, so it reaches the one that was not blocked at once (a full stdout does
 * not stop the file) and the blocked one once it drains again.
 *
 * <p>Owns its thread ({@code log-drops}) and the per-output totals last reported, touched only there.
 */
final class DropReport implements AutoCloseable {
  static final Duration EVERY = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(DropReport.class);

  private final Map<String, DroppingAsyncAppender> outputs;
  private final Map<String, Long> reported = new LinkedHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "log-drops");
    t.setDaemon(true);
    return t;
  });

  /** Watches {@code outputs}, by output name. */
  DropReport(Map<String, DroppingAsyncAppender> outputs) {
    this.outputs = Map.copyOf(outputs);
    this.outputs.keySet().forEach(name -> reported.put(name, 0L));
    timer.scheduleWithFixedDelay(this::look, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void look() {
    outputs.forEach((name, appender) -> {
      long total = appender.dropped();
      long since = total - reported.get(name);
      if (since > 0) {
        reported.put(name, total);
        log.warn("log_lines_dropped output={} count={} total={}", name, since, total);
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
