package dev.tended.supervisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.SourceFlow;
import dev.tended.status.BreakerStatus;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.read.StatusSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlowTableTest {
  private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");

  @Test
  void eachSourceShowsItsOldestDueAgeLastFinishAndSuccessAndTheWorkersFailedPolls() {
    Map<String, SourceFlow> flows = Map.of("ideas", new SourceFlow(NOW.minusSeconds(250), NOW.minusSeconds(3),
        NOW.minus(Duration.ofHours(2))));
    SourceStatus ideas = new SourceStatus(NOW, false, 3, 1, 0, 0, 0, "x", BreakerStatus.CLOSED, null, null, false,
        250.0, null, null, 4);
    WorkerStatus status = new WorkerStatus(WorkerStatus.SCHEMA, 1, "running", "t", NOW, NOW, 1, Map.of("ideas", ideas));

    String out = print(List.of("ideas", "qa"), flows, Optional.of(status));

    assertThat(out.lines().toList()).containsExactly(
        "SOURCE                OLDEST DUE  LAST FINISHED   LAST SUCCESS POLL ERRORS",
        "ideas                      4m10s         3s ago      2h00m ago           4",
        "qa                             -          never          never           -");
  }

  @Test
  void withoutAStatusFileThePollErrorsAreUnknown() {
    String out = print(List.of("ideas"), Map.of(), Optional.empty());

    assertThat(out.lines().skip(1).findFirst()).hasValueSatisfying(l -> assertThat(l).endsWith(" -"));
  }

  @Test
  void theHeartbeatsFiguresStandInForALedgerThatCannotGiveThem() {
    SourceStatus ideas = new SourceStatus(NOW, true, 3, 1, 0, 0, 0, null, BreakerStatus.CLOSED, null, null, false,
        90.5, NOW.minusSeconds(100), NOW.minusSeconds(200), 0);
    WorkerStatus status = new WorkerStatus(WorkerStatus.SCHEMA, 1, "running", "t", NOW, NOW, 1, Map.of("ideas", ideas));

    SourceFlow f = StatusSnapshot.flowFromStatus(status).get("ideas");

    assertThat(f.oldestDueSince()).isEqualTo(NOW.minusMillis(90_500));
    assertThat(f.lastFinishedAt()).isEqualTo(NOW.minusSeconds(100));
    assertThat(f.lastSucceededAt()).isEqualTo(NOW.minusSeconds(200));
  }

  @Test
  void agesAreCompact() {
    assertThat(FlowTable.age(Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(FlowTable.age(Duration.ofSeconds(3599))).isEqualTo("59m59s");
    assertThat(FlowTable.age(Duration.ofMinutes(125))).isEqualTo("2h05m");
    assertThat(FlowTable.age(Duration.ofHours(76))).isEqualTo("3d04h");
    assertThat(FlowTable.age(null)).isEqualTo("-");
  }

  private static String print(List<String> sources, Map<String, SourceFlow> flows, Optional<WorkerStatus> status) {
    StringWriter w = new StringWriter();
    try (PrintWriter out = new PrintWriter(w)) {
      FlowTable.print(out, sources, flows, status, NOW);
    }
    return w.toString();
  }
}
