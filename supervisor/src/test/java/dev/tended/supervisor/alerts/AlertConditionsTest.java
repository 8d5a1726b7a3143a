package dev.tended.supervisor.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.status.BreakerStatus;
import dev.tended.status.LedgerDamage;
import dev.tended.status.QueueFault;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.RestartEvent;
import dev.tended.supervisor.restart.SupervisorState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertConditionsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");
  private static final long GIB = 1024L * 1024 * 1024;
  private final AlertConditions conditions = new AlertConditions(Duration.ofMinutes(30), Path.of("/data/diagnostics"));

  private static SourceStatus source(long pending, long dead, BreakerStatus breaker, QueueFault fault,
      Double oldestDueAge, Instant lastFinished) {
    return new SourceStatus(NOW, true, pending, 0, 5, 0, dead, null, breaker, fault, null, false, oldestDueAge,
        lastFinished, lastFinished, 0);
  }

  private static SourceStatus quiet() {
    return source(0, 0, BreakerStatus.CLOSED, null, null, NOW.minusSeconds(10));
  }

  private static WorkerStatus status(long pid, Instant at, Map<String, SourceStatus> sources) {
    return new WorkerStatus(1, pid, "running", "test", NOW.minus(Duration.ofHours(2)), at, 42, sources);
  }

  private static Observed observed(Observed.Reading<WorkerStatus> status, Observed.Reading<SupervisorState> sup,
      Map<String, ItemRecord> newestDead) {
    return new Observed(status, sup, Observed.Reading.of(new Observed.DiskSpace(50 * GIB, 100 * GIB)),
        Observed.Reading.absent(), newestDead);
  }

  private static Observed withStatus(WorkerStatus s) {
    return observed(Observed.Reading.of(s), Observed.Reading.absent(), Map.of());
  }

  private static SupervisorState supervisor(int failures, RestartEvent... restarts) {
    return new SupervisorState(1, 10, "child", "watching", 200L, failures, null, NOW, List.of(restarts));
  }

  private static List<String> keys(Judgement j) {
    return j.holding().stream().map(c -> c.key().toString()).toList();
  }

  private static ItemRecord deadItem(long seq, String id) {
    return new ItemRecord(seq, "ideas", id, "abc", "{}", ItemState.DEAD, 3, null, NOW, NOW.minusSeconds(5),
        NOW.minusSeconds(6), NOW.minusSeconds(5), 2, "handler exited 2\nstderr: boom", 0, "t");
  }

  @Test
  void healthyInstallationHoldsNothingAndJudgesEveryAlert() {
    Judgement j = conditions.judge(observed(Observed.Reading.of(status(100, NOW, Map.of("ideas", quiet()))),
        Observed.Reading.of(supervisor(0)), Map.of()));
    assertThat(j.holding()).isEmpty();
    assertThat(j.judged()).containsExactlyInAnyOrder(Alert.values());
  }

  @Test
  void deadItemsFireItemDeadPerSourceNamingTheNewestDeadItem() {
    WorkerStatus s = status(100, NOW, Map.of("ideas", source(0, 2, BreakerStatus.CLOSED, null, null, NOW),
        "mail", quiet()));
    Judgement j = conditions.judge(observed(Observed.Reading.of(s), Observed.Reading.absent(),
        Map.of("ideas", deadItem(17, "i-17"))));
    assertThat(keys(j)).containsExactly("item_dead/ideas");
    Condition c = j.holding().get(0);
    assertThat(c.detail()).isEqualTo("2 items are dead; the newest: i-17 after 3 attempts, exit 2: handler exited 2 "
        + "stderr: boom (tended show ideas i-17)");
    assertThat(c.occurrence()).isEqualTo("17@" + NOW.minusSeconds(5));
  }

  @Test
  void deadItemsWithoutTheLedgerKeepTheRememberedOccurrence() {
    Judgement j = conditions.judge(withStatus(status(100, NOW,
        Map.of("ideas", source(0, 1, BreakerStatus.CLOSED, null, null, NOW)))));
    assertThat(j.holding().get(0).detail()).isEqualTo("1 item is dead");
    assertThat(j.holding().get(0).occurrence()).isNull();
  }

  @Test
  void openBreakerAndQueueFaultFireForTheirSource() {
    QueueFault fault = new QueueFault("ideas_log.json", 3, 17, "unexpected end of input", "quarantine/x.json", NOW);
    WorkerStatus s = status(100, NOW, Map.of("ideas", source(4, 0, new BreakerStatus("open", 5, NOW.plusSeconds(60)),
        fault, 100.0, NOW)));
    Judgement j = conditions.judge(withStatus(s));
    assertThat(keys(j)).containsExactly("breaker_open/ideas", "queue_fault/ideas");
    assertThat(j.holding().get(0).detail()).contains("after 5 failures in a row").contains("next trial at");
    assertThat(j.holding().get(1).detail())
        .startsWith("ideas_log.json: line 3, column 17: unexpected end of input; copy at quarantine/x.json");
  }

  @Test
  void dueWorkWithNothingFinishedForStuckAfterIsWorkStuck() {
    WorkerStatus stuck = status(100, NOW, Map.of("ideas",
        source(4, 0, BreakerStatus.CLOSED, null, 3600.0, NOW.minus(Duration.ofMinutes(31)))));
    assertThat(keys(conditions.judge(withStatus(stuck)))).containsExactly("work_stuck/ideas");
    WorkerStatus flowing = status(100, NOW, Map.of("ideas",
        source(4, 0, BreakerStatus.CLOSED, null, 3600.0, NOW.minus(Duration.ofMinutes(29)))));
    assertThat(conditions.judge(withStatus(flowing)).holding()).isEmpty();
  }

  @Test
  void unreadableStatusJudgesNoStatusAlert() {
    Judgement j = conditions.judge(observed(Observed.Reading.unreadable(), Observed.Reading.of(supervisor(0)),
        Map.of()));
    assertThat(j.judged()).doesNotContain(Alert.ITEM_DEAD, Alert.BREAKER_OPEN, Alert.QUEUE_FAULT, Alert.WORK_STUCK,
        Alert.WORKER_STALLED, Alert.WORKER_RESTARTED).contains(Alert.DISK_LOW, Alert.WORKER_CRASH_LOOPING);
  }

  @Test
  void diskLowFollowsHealthDiagnoseThresholds() {
    Observed low = new Observed(Observed.Reading.absent(), Observed.Reading.absent(),
        Observed.Reading.of(new Observed.DiskSpace(4 * GIB, 100 * GIB)), Observed.Reading.absent(), Map.of());
    assertThat(keys(conditions.judge(low))).containsExactly("disk_low");
    assertThat(conditions.judge(low).holding().get(0).detail()).contains("4.0 GiB free of 100.0 GiB (4%)");
    Observed tinyButFine = new Observed(Observed.Reading.absent(), Observed.Reading.absent(),
        Observed.Reading.of(new Observed.DiskSpace(300L * 1024 * 1024, 1 * GIB)), Observed.Reading.absent(), Map.of());
    assertThat(conditions.judge(tinyButFine).holding()).isEmpty();
    Observed underFloor = new Observed(Observed.Reading.absent(), Observed.Reading.absent(),
        Observed.Reading.of(new Observed.DiskSpace(200L * 1024 * 1024, 1 * GIB)), Observed.Reading.absent(), Map.of());
    assertThat(keys(conditions.judge(underFloor))).containsExactly("disk_low");
  }

  @Test
  void ledgerDamageMarkFiresLedgerDamaged() {
    Observed o = new Observed(Observed.Reading.absent(), Observed.Reading.absent(), Observed.Reading.unreadable(),
        Observed.Reading.of(new LedgerDamage("/data/ledger.db", "ledger /data/ledger.db fails its integrity check",
            NOW, 300)), Map.of());
    Judgement j = conditions.judge(o);
    assertThat(keys(j)).containsExactly("ledger_damaged");
    assertThat(j.holding().get(0).detail()).contains("pid 300").contains("fails its integrity check");
  }

  @Test
  void threeFailuresInARowAreCrashLooping() {
    Judgement two = conditions.judge(observed(Observed.Reading.absent(), Observed.Reading.of(supervisor(2)), Map.of()));
    assertThat(keys(two)).doesNotContain("worker_crash_looping");
    RestartEvent exit = new RestartEvent(NOW.minusSeconds(3), "exit", 200, 1, null, 900, null);
    Judgement three = conditions.judge(observed(Observed.Reading.absent(), Observed.Reading.of(supervisor(3, exit)),
        Map.of()));
    assertThat(keys(three)).contains("worker_crash_looping");
  }

  @Test
  void stallHoldsWithItsRecordUntilAnotherWorkerHasBeatenSince() {
    Instant stalledAt = NOW.minusSeconds(5);
    RestartEvent stall = new RestartEvent(stalledAt, "stale", 200, null, 3100L, 60_000, "stall-2026.txt");
    Observed.Reading<SupervisorState> sup = Observed.Reading.of(supervisor(1, stall));
    // still the frozen worker's last beat
    Judgement before = conditions.judge(observed(Observed.Reading.of(status(200, stalledAt.minusSeconds(3),
        Map.of())), sup, Map.of()));
    assertThat(keys(before)).containsExactly("worker_stalled");
    assertThat(before.holding().get(0).detail()).contains("worker pid 200 stalled")
        .endsWith("stall record " + Path.of("/data/diagnostics/stall-2026.txt"));
    // the incident is the restart, by its time: the book keeps a further stall before any beat as the
    // same alert, and does not fire this one again once resolved (AlertBookTest)
    assertThat(before.holding().get(0).occurrence()).isEqualTo(stalledAt.toString());
    // the new worker beats
    Judgement after = conditions.judge(observed(Observed.Reading.of(status(201, NOW, Map.of())), sup, Map.of()));
    assertThat(after.holding()).isEmpty();
  }

  @Test
  void exitRestartIsWorkerRestartedUntilTheNewWorkerBeats() {
    RestartEvent exit = new RestartEvent(NOW.minusSeconds(5), "exit", 200, 137, null, 60_000, null);
    Observed.Reading<SupervisorState> sup = Observed.Reading.of(supervisor(1, exit));
    assertThat(keys(conditions.judge(observed(Observed.Reading.absent(), sup, Map.of()))))
        .containsExactly("worker_restarted");
    assertThat(conditions.judge(observed(Observed.Reading.of(status(201, NOW, Map.of())), sup, Map.of())).holding())
        .isEmpty();
  }
}
