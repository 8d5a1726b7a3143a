package dev.tended.supervisor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.AttemptStats;
import dev.tended.ledger.DurationHistogram;
import dev.tended.status.BreakerStatus;
import dev.tended.status.QueueFault;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.RestartEvent;
import dev.tended.supervisor.restart.SupervisorState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The exposition made from fixed inputs: names, types, HELP, values, and what a missing input leaves out. */
class ExpositionTest {
  private static final Instant BEAT = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant NOW = BEAT.plusSeconds(7);
  private static final Instant SUCCESS = Instant.parse("2026-12-01T09:59:30.500Z");

  private static WorkerStatus status() {
    Map<String, SourceStatus> sources = new LinkedHashMap<>();
    sources.put("ideas", new SourceStatus(BEAT, true, 4, 2, 100, 3, 1, null, BreakerStatus.CLOSED, null, null,
        false, 12.5, SUCCESS.plusSeconds(10), SUCCESS, 5));
    sources.put("qa", new SourceStatus(BEAT, false, 0, 0, 0, 0, 0, "boom",
        new BreakerStatus("open", 5, BEAT.plusSeconds(60)),
        new QueueFault("qa.json", 3, 17, "unexpected end of input", "quarantine/qa.json", BEAT), null,
        true, null, null, null, 0));
    return new WorkerStatus(WorkerStatus.SCHEMA, 4242, "running", "test", BEAT.minusSeconds(100), BEAT, 77, sources);
  }

  private static Map<String, AttemptStats> attempts() {
    Map<AttemptEnding, Long> endings = new EnumMap<>(AttemptEnding.class);
    for (AttemptEnding e : AttemptEnding.values()) {
      endings.put(e, 0L);
    }
    endings.put(AttemptEnding.EXITED, 103L);
    endings.put(AttemptEnding.TIMEOUT, 2L);
    List<Long> buckets = new ArrayList<>(DurationHistogram.EMPTY.bucketCounts());
    buckets.set(0, 90L);  // <= 0.05 s
    buckets.set(4, 10L);  // <= 1 s
    return Map.of("ideas", new AttemptStats(endings, new DurationHistogram(buckets, 5, 123.25)));
  }

  private static SupervisorState supervisor(int failuresInARow) {
    return new SupervisorState(SupervisorState.SCHEMA, 1, "child", "watching", 4242L, failuresInARow, null, BEAT,
        List.of(new RestartEvent(BEAT, "stale", 4000, null, 3000L, 1000, "stall-x.txt")),
        Map.of("exit", 2L, "stale", 1L));
  }

  private static MetricInputs inputs(Optional<WorkerStatus> status, Optional<Map<String, AttemptStats>> attempts,
      Optional<SupervisorState> supervisor, OptionalLong ledger) {
    return new MetricInputs(NOW, List.of("ideas", "qa"), Duration.ofSeconds(10), Duration.ofMinutes(30), status,
        attempts, supervisor, ledger, OptionalLong.of(5_000_000_000L), OptionalLong.of(20_000_000_000L));
  }

  private static String text(MetricInputs in) {
    return new String(Exposition.text(Exposition.build(in)), StandardCharsets.UTF_8);
  }

  private static String full() {
    return text(inputs(Optional.of(status()), Optional.of(attempts()), Optional.of(supervisor(0)),
        OptionalLong.of(123456)));
  }

  /** The value of the sample {@code series} (name and labels as written), or null when it is absent. */
  static Double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return null;
  }

  @Test
  void everyContractMetricIsThereWithItsTypeAndHelp() {
    String t = full();
    Map<String, String> types = new LinkedHashMap<>();
    types.put("tended_items", "gauge");
    types.put("tended_attempts_total", "counter");
    types.put("tended_attempt_duration_seconds", "histogram");
    types.put("tended_oldest_pending_age_seconds", "gauge");
    types.put("tended_last_success_timestamp_seconds", "gauge");
    types.put("tended_last_finished_timestamp_seconds", "gauge");
    types.put("tended_breaker_open", "gauge");
    types.put("tended_source_paused", "gauge");
    types.put("tended_heartbeat_sequence", "gauge");
    types.put("tended_heartbeat_age_seconds", "gauge");
    types.put("tended_worker_restarts_total", "counter");
    types.put("tended_worker_stalls_total", "counter");
    types.put("tended_worker_crash_looping", "gauge");
    types.put("tended_worker_up", "gauge");
    types.put("tended_queue_fault", "gauge");
    types.put("tended_work_stuck", "gauge");
    types.put("tended_poll_errors_total", "counter");
    types.put("tended_ledger_bytes", "gauge");
    types.put("tended_data_free_bytes", "gauge");
    types.put("tended_data_filesystem_bytes", "gauge");
    for (var e : types.entrySet()) {
      assertThat(t).contains("# TYPE " + e.getKey() + " " + e.getValue() + "\n").containsPattern("# HELP " + e.getKey() + " \\S");
    }
  }

  @Test
  void itemsBreakerPauseAndQueueFaultAreTheStatusFilesPerSource() {
    String t = full();
    assertThat(value(t, "tended_items{source=\"ideas\",state=\"pending\"}")).isEqualTo(4.0);
    assertThat(value(t, "tended_items{source=\"ideas\",state=\"running\"}")).isEqualTo(2.0);
    assertThat(value(t, "tended_items{source=\"ideas\",state=\"failed\"}")).isEqualTo(3.0);
    assertThat(value(t, "tended_items{source=\"ideas\",state=\"dead\"}")).isEqualTo(1.0);
    assertThat(value(t, "tended_items{source=\"ideas\",state=\"succeeded\"}")).isEqualTo(100.0);
    assertThat(value(t, "tended_items{source=\"qa\",state=\"pending\"}")).isEqualTo(0.0);
    assertThat(value(t, "tended_breaker_open{source=\"ideas\"}")).isEqualTo(0.0);
    assertThat(value(t, "tended_breaker_open{source=\"qa\"}")).isEqualTo(1.0);
    assertThat(value(t, "tended_source_paused{source=\"qa\"}")).isEqualTo(1.0);
    assertThat(value(t, "tended_queue_fault{source=\"qa\"}")).isEqualTo(1.0);
    assertThat(value(t, "tended_queue_fault{source=\"ideas\"}")).isEqualTo(0.0);
    assertThat(value(t, "tended_poll_errors_total{source=\"ideas\"}")).isEqualTo(5.0);
    assertThat(value(t, "tended_heartbeat_sequence")).isEqualTo(77.0);
    assertThat(value(t, "tended_last_success_timestamp_seconds{source=\"ideas\"}"))
        .isEqualTo(SUCCESS.toEpochMilli() / 1000.0);
    assertThat(value(t, "tended_last_finished_timestamp_seconds{source=\"ideas\"}"))
        .isEqualTo(SUCCESS.plusSeconds(10).toEpochMilli() / 1000.0);
  }

  @Test
  void agesAreMeasuredToNowSoTheyKeepGrowingWhileTheHeartbeatStandsStill() {
    String t = full();
    assertThat(value(t, "tended_heartbeat_age_seconds")).isEqualTo(7.0);
    // 12.5 s at the beat, and the item has waited the 7 s since as well
    assertThat(value(t, "tended_oldest_pending_age_seconds{source=\"ideas\"}")).isEqualTo(19.5);
    assertThat(value(t, "tended_oldest_pending_age_seconds{source=\"qa\"}")).isEqualTo(0.0);
    assertThat(value(t, "tended_worker_up")).isEqualTo(1.0);
    MetricInputs later = new MetricInputs(NOW.plusSeconds(60), List.of("ideas", "qa"), Duration.ofSeconds(10),
        Duration.ofMinutes(30), Optional.of(status()), Optional.empty(), Optional.empty(), OptionalLong.empty(),
        OptionalLong.empty(), OptionalLong.empty());
    String l = text(later);
    assertThat(value(l, "tended_heartbeat_age_seconds")).isEqualTo(67.0);
    assertThat(value(l, "tended_worker_up")).as("older than staleAfter").isEqualTo(0.0);
  }

  @Test
  void attemptsAreCountedForEveryEndingAndTheHistogramIsCumulativeWithTheLongestInInf() {
    String t = full();
    assertThat(value(t, "tended_attempts_total{ending=\"exited\",source=\"ideas\"}")).isEqualTo(103.0);
    assertThat(value(t, "tended_attempts_total{ending=\"timeout\",source=\"ideas\"}")).isEqualTo(2.0);
    for (AttemptEnding e : AttemptEnding.values()) {
      assertThat(value(t, "tended_attempts_total{ending=\"" + e.wireName() + "\",source=\"qa\"}"))
          .as("a configured source never run counts every ending from zero").isEqualTo(0.0);
    }
    assertThat(value(t, "tended_attempt_duration_seconds_bucket{source=\"ideas\",le=\"0.05\"}")).isEqualTo(90.0);
    assertThat(value(t, "tended_attempt_duration_seconds_bucket{source=\"ideas\",le=\"0.5\"}")).isEqualTo(90.0);
    assertThat(value(t, "tended_attempt_duration_seconds_bucket{source=\"ideas\",le=\"1.0\"}")).isEqualTo(100.0);
    assertThat(value(t, "tended_attempt_duration_seconds_bucket{source=\"ideas\",le=\"3600.0\"}")).isEqualTo(100.0);
    assertThat(value(t, "tended_attempt_duration_seconds_bucket{source=\"ideas\",le=\"+Inf\"}")).isEqualTo(105.0);
    assertThat(value(t, "tended_attempt_duration_seconds_count{source=\"ideas\"}")).isEqualTo(105.0);
    assertThat(value(t, "tended_attempt_duration_seconds_sum{source=\"ideas\"}")).isEqualTo(123.25);
  }

  @Test
  void restartsAreCountedByReasonEveryReasonPresentAndStallsAreTheStaleOnes() {
    String t = full();
    assertThat(value(t, "tended_worker_restarts_total{reason=\"exit\"}")).isEqualTo(2.0);
    assertThat(value(t, "tended_worker_restarts_total{reason=\"stale\"}")).isEqualTo(1.0);
    assertThat(value(t, "tended_worker_restarts_total{reason=\"start_failed\"}")).isEqualTo(0.0);
    assertThat(value(t, "tended_worker_stalls_total")).isEqualTo(1.0);
    assertThat(value(t, "tended_worker_crash_looping")).isEqualTo(0.0);
    String looping = text(inputs(Optional.empty(), Optional.empty(), Optional.of(supervisor(3)), OptionalLong.empty()));
    assertThat(value(looping, "tended_worker_crash_looping")).isEqualTo(1.0);
  }

  @Test
  void aSourceWithItemsDueAndNothingFinishedForStuckAfterIsStuck() {
    Map<String, SourceStatus> sources = new LinkedHashMap<>();
    sources.put("ideas", new SourceStatus(BEAT, true, 4, 2, 0, 0, 0, null, BreakerStatus.CLOSED, null, null,
        false, 3600.0, BEAT.minus(Duration.ofHours(1)), null, 0));
    WorkerStatus hung = new WorkerStatus(WorkerStatus.SCHEMA, 1, "running", "test", BEAT.minus(Duration.ofHours(2)),
        BEAT, 9, sources);
    String t = text(inputs(Optional.of(hung), Optional.empty(), Optional.empty(), OptionalLong.empty()));
    assertThat(value(t, "tended_work_stuck{source=\"ideas\"}")).isEqualTo(1.0);
    assertThat(value(full(), "tended_work_stuck{source=\"ideas\"}")).isEqualTo(0.0);
  }

  @Test
  void aMissingInputLeavesOutOnlyItsMetrics() {
    String noStatus = text(inputs(Optional.empty(), Optional.of(attempts()), Optional.of(supervisor(0)),
        OptionalLong.of(1)));
    assertThat(noStatus).doesNotContain("tended_items").doesNotContain("tended_heartbeat_").contains("tended_attempts_total")
        .contains("tended_worker_restarts_total").contains("tended_ledger_bytes").contains("tended_data_free_bytes");
    assertThat(value(noStatus, "tended_worker_up")).isEqualTo(0.0);

    String nothing = text(inputs(Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty()));
    assertThat(nothing).doesNotContain("tended_attempt").doesNotContain("tended_worker_restarts")
        .doesNotContain("tended_ledger_bytes").contains("tended_data_free_bytes 5.0E9").contains("tended_worker_up 0.0");
  }

  @Test
  void lastSuccessAndLastFinishedAreAbsentForASourceThatHasHadNone() {
    String t = full();
    assertThat(value(t, "tended_last_success_timestamp_seconds{source=\"qa\"}")).isNull();
    assertThat(value(t, "tended_last_finished_timestamp_seconds{source=\"qa\"}")).isNull();
  }
}
