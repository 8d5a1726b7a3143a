package dev.tended.supervisor.web;

import dev.tended.ledger.AttemptStats;
import dev.tended.ledger.DurationHistogram;
import dev.tended.logging.Kv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page's throughput and latency charts: every {@link #EVERY} the ledger's attempt totals per source
 * ({@code LedgerView.attemptStats()}: the counters the metrics are made of, so the charts agree with
 * Prometheus), kept in memory for {@link #KEPT}; the charts are the differences between neighbours
 * (attempts per minute, mean duration of those attempts). Nothing is written: a restarted dashboard
 * starts its charts afresh.
 *
 * <p>The samples are owned by the {@code web-samples} thread; {@link #points()} reads an immutable copy
 * published through a volatile field.
 */
final class FlowSamples {
  private static final Logger log = LoggerFactory.getLogger(FlowSamples.class);
  static final Duration EVERY = Duration.ofSeconds(10);
  static final Duration KEPT = Duration.ofHours(1);
  private static final int MAX = (int) (KEPT.toSeconds() / EVERY.toSeconds()) + 1;

  /** One source's totals at one moment: attempts that ended, attempts timed, their durations' sum. */
  record Totals(long attempts, long timed, double seconds) {}

  /** All sources' totals at {@code at}. */
  record Sample(Instant at, Map<String, Totals> sources) {}

  /** One chart point: between the previous sample and {@code at}, attempts per minute and their mean duration. */
  record Point(Instant at, double perMinute, Double meanSeconds) {}

  private final Supplier<Map<String, AttemptStats>> stats;
  private final Clock clock;
  private final Duration every;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile List<Sample> published = List.of();
  private ScheduledExecutorService timer;

  FlowSamples(Supplier<Map<String, AttemptStats>> stats, Clock clock, Duration every) {
    this.stats = Objects.requireNonNull(stats);
    this.clock = Objects.requireNonNull(clock);
    this.every = every;
  }

  void start() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "web-samples");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (stopped.getAndSet(true) || timer == null) {
      return;
    }
    timer.shutdownNow();
    try {
      if (!timer.awaitTermination(1, TimeUnit.SECONDS)) {
        log.warn("web_samples_stop_timeout waited_ms=1000");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One sample now; never throws (a ledger that cannot be read leaves a gap, logged at debug). */
  void sample() {
    try {
      Map<String, AttemptStats> now = stats.get();
      Map<String, Totals> totals = new LinkedHashMap<>();
      now.forEach((source, s) -> totals.put(source, totals(s)));
      samples.addLast(new Sample(clock.instant(), totals));
      while (samples.size() > MAX) {
        samples.removeFirst();
      }
      published = List.copyOf(samples);
    } catch (RuntimeException e) {
      log.debug("web_sample_failed error={}", Kv.q(e.toString()));
    }
  }

  /** Per source, the chart points of the samples kept, oldest first. */
  Map<String, List<Point>> points() {
    List<Sample> all = published;
    Map<String, List<Point>> out = new LinkedHashMap<>();
    for (int i = 1; i < all.size(); i++) {
      Sample prev = all.get(i - 1);
      Sample cur = all.get(i);
      double minutes = Math.max(1, Duration.between(prev.at(), cur.at()).toMillis()) / 60_000.0;
      for (var e : cur.sources().entrySet()) {
        Totals before = prev.sources().getOrDefault(e.getKey(), new Totals(0, 0, 0));
        Totals after = e.getValue();
        long ran = Math.max(0, after.attempts() - before.attempts());
        long timed = after.timed() - before.timed();
        Double mean = timed > 0 ? (after.seconds() - before.seconds()) / timed : null;
        out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new Point(cur.at(), ran / minutes, mean));
      }
    }
    return out;
  }

  private static Totals totals(AttemptStats s) {
    long attempts = s.endings().values().stream().mapToLong(Long::longValue).sum();
    DurationHistogram d = s.durations();
    long timed = d.bucketCounts().stream().mapToLong(Long::longValue).sum() + d.overflow();
    return new Totals(attempts, timed, d.sumSeconds());
  }
}
