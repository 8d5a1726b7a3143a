package dev.tended.supervisor.metrics;

import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.AttemptStats;
import dev.tended.ledger.DurationHistogram;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkStuck;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.SupervisorState;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Turns one {@link MetricInputs} into the Prometheus exposition, with the official client's data model
 * and its text-format writer (never by hand: escaping, ordering and the histogram's cumulative buckets
 * are the client's). Every metric has its HELP text; a metric whose input is missing is left out, the
 * rest are still made. The names and labels are an interface (PRODUCT.md, "Metrics"): change them on
 * purpose. Stateless.
 */
final class Exposition {
  /** The item states as the status file counts them, in the ledger's order. */
  private static final List<String> STATES = List.of("pending", "running", "failed", "dead", "succeeded");
  /** The restart reasons the supervisor records ({@code RestartEvent#reason}); each always present. */
  static final List<String> RESTART_REASONS = List.of("exit", "stale", "start_failed");

  private Exposition() {}

  /** The snapshots of {@code in}. */
  static MetricSnapshots build(MetricInputs in) {
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    in.status().ifPresent(s -> worker(out, s, in));
    out.metricSnapshot(gauge("tended_worker_up",
        "1 while the worker runs and its heartbeat is younger than supervisor.staleAfter, else 0",
        List.of(point(Labels.EMPTY, in.status().map(s -> up(s, in) ? 1.0 : 0.0).orElse(0.0)))));
    in.attempts().ifPresent(a -> attempts(out, a, in.sources()));
    in.supervisor().ifPresent(s -> supervisor(out, s));
    in.ledgerBytes().ifPresent(b -> out.metricSnapshot(gauge("tended_ledger_bytes",
        "Size of the ledger on disk: its database file plus its write-ahead log",
        List.of(point(Labels.EMPTY, b)))));
    in.dataFreeBytes().ifPresent(b -> out.metricSnapshot(gauge("tended_data_free_bytes",
        "Bytes free for tended on the data folder's file system",
        List.of(point(Labels.EMPTY, b)))));
    in.dataFilesystemBytes().ifPresent(b -> out.metricSnapshot(gauge("tended_data_filesystem_bytes",
        "Size of the data folder's file system (with tended_data_free_bytes: the share free)",
        List.of(point(Labels.EMPTY, b)))));
    return out.build();
  }

  /** {@code snapshots} in the Prometheus text format (version 0.0.4), as node_exporter's textfile collector reads it. */
  static byte[] text(MetricSnapshots snapshots) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    try {
      PrometheusTextFormatWriter.create().write(bytes, snapshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  private static boolean up(WorkerStatus s, MetricInputs in) {
    return "running".equals(s.state()) && s.updatedAt() != null
        && Duration.between(s.updatedAt(), in.now()).compareTo(in.staleAfter()) <= 0;
  }

  private static void worker(MetricSnapshots.Builder out, WorkerStatus s, MetricInputs in) {
    out.metricSnapshot(gauge("tended_heartbeat_sequence",
        "The worker's heartbeat sequence: grows by one with every beat, starts again with each worker",
        List.of(point(Labels.EMPTY, s.sequence()))));
    if (s.updatedAt() != null) {
      out.metricSnapshot(gauge("tended_heartbeat_age_seconds",
          "Seconds since the worker last wrote its heartbeat, measured by the supervisor (keeps growing while the worker hangs)",
          List.of(point(Labels.EMPTY, secondsBetween(s.updatedAt(), in.now())))));
    }
    Map<String, SourceStatus> sources = s.sources();
    List<GaugeDataPointSnapshot> items = new ArrayList<>();
    for (var e : sources.entrySet()) {
      SourceStatus src = e.getValue();
      long[] counts = {src.pending(), src.running(), src.failed(), src.dead(), src.succeeded()};
      for (int i = 0; i < STATES.size(); i++) {
        items.add(point(Labels.of("source", e.getKey(), "state", STATES.get(i)), counts[i]));
      }
    }
    out.metricSnapshot(gauge("tended_items", "Items in the ledger by source and state, as of the last heartbeat", items));
    out.metricSnapshot(gauge("tended_oldest_pending_age_seconds",
        "Seconds the oldest due item (pending, or failed and due again) has waited; 0 when nothing is due",
        perSource(sources, src -> src.oldestPendingAgeSeconds() == null ? 0
            : src.oldestPendingAgeSeconds() + (s.updatedAt() == null ? 0 : secondsBetween(s.updatedAt(), in.now())))));
    out.metricSnapshot(gauge("tended_last_success_timestamp_seconds",
        "When the source's last item succeeded (Unix time); absent while none has",
        timestamps(sources, SourceStatus::lastSucceededAt)));
    out.metricSnapshot(gauge("tended_last_finished_timestamp_seconds",
        "When the source's last attempt finished, whatever its outcome (Unix time); absent while none has",
        timestamps(sources, SourceStatus::lastFinishedAt)));
    out.metricSnapshot(gauge("tended_breaker_open",
        "1 while the source's circuit breaker is open (no new item starts until it lets a trial through), else 0",
        perSource(sources, src -> src.breaker() != null && "open".equals(src.breaker().state()) ? 1 : 0)));
    out.metricSnapshot(gauge("tended_source_paused", "1 while an operator has paused the source, else 0",
        perSource(sources, src -> src.paused() ? 1 : 0)));
    out.metricSnapshot(gauge("tended_queue_fault",
        "1 while the source's queue file does not parse (its copy is in quarantine/), else 0",
        perSource(sources, src -> src.fault() != null ? 1 : 0)));
    out.metricSnapshot(gauge("tended_work_stuck",
        "1 while items are due and no attempt has finished for alerts.stuckAfter (health-diagnose's work_stuck), else 0",
        sources.keySet().stream().map(name -> point(Labels.of("source", name),
            WorkStuck.judge(s, name, in.stuckAfter()).isPresent() ? 1 : 0)).toList()));
    out.metricSnapshot(counter("tended_poll_errors",
        "Polls of the source that failed since the worker started (starts again with each worker)",
        sources.entrySet().stream().map(e -> counterPoint(Labels.of("source", e.getKey()), e.getValue().pollErrors())).toList()));
  }

  private static void attempts(MetricSnapshots.Builder out, Map<String, AttemptStats> stats, List<String> configured) {
    Set<String> names = new LinkedHashSet<>(configured);
    names.addAll(new TreeMap<>(stats).keySet());
    List<CounterDataPointSnapshot> endings = new ArrayList<>();
    List<HistogramDataPointSnapshot> durations = new ArrayList<>();
    for (String source : names) {
      AttemptStats a = stats.get(source);
      for (AttemptEnding ending : AttemptEnding.values()) {
        long n = a == null ? 0 : a.endings().getOrDefault(ending, 0L);
        endings.add(counterPoint(Labels.of("source", source, "ending", ending.wireName()), n));
      }
      durations.add(histogramPoint(Labels.of("source", source), a == null ? DurationHistogram.EMPTY : a.durations()));
    }
    out.metricSnapshot(counter("tended_attempts",
        "Attempts that ended, by source and ending (exited, timeout, no-progress, limit-exceeded, not-started,"
            + " cancelled, handed-back, interrupted), since the ledger was made", endings));
    HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name("tended_attempt_duration_seconds")
        .help("How long the attempts that ran took, from the handler's start to its end, since the ledger was made");
    durations.forEach(histogram::dataPoint);
    out.metricSnapshot(histogram.build());
  }

  private static void supervisor(MetricSnapshots.Builder out, SupervisorState s) {
    out.metricSnapshot(counter("tended_worker_restarts",
        "Restarts of the worker by the supervisor, by reason: exit (it died), stale (its heartbeat stopped),"
            + " start_failed (it could not be started)",
        RESTART_REASONS.stream().map(r -> counterPoint(Labels.of("reason", r), s.restartTotals().getOrDefault(r, 0L)))
            .toList()));
    out.metricSnapshot(counter("tended_worker_stalls",
        "Stalls the supervisor detected (a heartbeat that stopped advancing for staleAfter); each is also a restart"
            + " with reason stale",
        List.of(counterPoint(Labels.EMPTY, s.restartTotals().getOrDefault("stale", 0L)))));
    out.metricSnapshot(gauge("tended_worker_crash_looping",
        "1 while the worker keeps failing without running healthy in between (" + SupervisorState.CRASH_LOOP_FAILURES
            + " or more failures in a row), else 0",
        List.of(point(Labels.EMPTY, s.crashLooping() ? 1 : 0))));
  }

  private static List<GaugeDataPointSnapshot> perSource(Map<String, SourceStatus> sources,
      ToDoubleFunction<SourceStatus> value) {
    return sources.entrySet().stream()
        .map(e -> point(Labels.of("source", e.getKey()), value.applyAsDouble(e.getValue()))).toList();
  }

  private static List<GaugeDataPointSnapshot> timestamps(Map<String, SourceStatus> sources,
      java.util.function.Function<SourceStatus, Instant> at) {
    return sources.entrySet().stream().filter(e -> at.apply(e.getValue()) != null)
        .map(e -> point(Labels.of("source", e.getKey()), epochSeconds(at.apply(e.getValue())))).toList();
  }

  private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    points.forEach(b::dataPoint);
    return b.build();
  }

  /** A counter named without its {@code _total}: the writer adds it. */
  private static CounterSnapshot counter(String name, String help, List<CounterDataPointSnapshot> points) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    points.forEach(b::dataPoint);
    return b.build();
  }

  private static GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static CounterDataPointSnapshot counterPoint(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static HistogramDataPointSnapshot histogramPoint(Labels labels, DurationHistogram h) {
    ClassicHistogramBuckets.Builder buckets = ClassicHistogramBuckets.builder();
    for (int i = 0; i < DurationHistogram.BOUNDS_SECONDS.size(); i++) {
      buckets.bucket(DurationHistogram.BOUNDS_SECONDS.get(i), h.bucketCounts().get(i));
    }
    buckets.bucket(Double.POSITIVE_INFINITY, h.overflow());
    return HistogramDataPointSnapshot.builder().labels(labels).classicHistogramBuckets(buckets.build())
        .sum(h.sumSeconds()).build();
  }

  private static double secondsBetween(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis()) / 1000.0;
  }

  private static double epochSeconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }
}
