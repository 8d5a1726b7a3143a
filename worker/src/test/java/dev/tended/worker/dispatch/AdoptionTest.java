package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.BreakerConfig;
import dev.tended.config.HandlerConfig;
import dev.tended.config.HandlerLimits;
import dev.tended.config.RetryConfig;
import dev.tended.config.SourceConfig;
import dev.tended.config.SourceType;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.RunningItem;
import dev.tended.worker.handler.HandlerProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a starting worker decides for each running item, with the processes and the boot faked. */
class AdoptionTest {
  private static final String BOOT = "boot-now";
  private static final Instant STARTED = Instant.parse("2026-12-01T10:00:00Z");

  private static SourceConfig source(String name, Duration timeout, int maxAttempts) {
    return new SourceConfig(name, SourceType.JSON_QUEUE, Path.of("/queues/" + name + ".json"), "id",
        Duration.ofSeconds(1), 2,
        new HandlerConfig(List.of("/bin/handle"), timeout, Duration.ofSeconds(3), 4096, Duration.ofSeconds(7),
            new HandlerLimits(1 << 20, 9)),
        new RetryConfig(maxAttempts, Duration.ofSeconds(1), Duration.ofSeconds(8), 4),
        new BreakerConfig(5, Duration.ofSeconds(60)), SourceConfig.DEFAULT_MAX_ITEM_BYTES,
        SourceConfig.DEFAULT_MAX_ID_LENGTH);
  }

  private static ItemRecord running(String source, String token) {
    return new ItemRecord(7, source, "i7", "abcdef0123456789", "{\"id\":\"i7\"}", ItemState.RUNNING, 2, null,
        STARTED, STARTED, STARTED, null, null, null, 0, token);
  }

  private static HandlerRecord recorded(String boot, String spec) {
    return new HandlerRecord(7, 2, "tok", boot, 100, 1000, 101, 1001, STARTED, spec);
  }

  private static Adoption adoption(Set<Long> alivePids, Map<String, HandlerProcesses> byToken) {
    SourceConfig ideas = source("ideas", Duration.ofSeconds(30), 3);
    return new Adoption(Map.of("ideas", ideas), s -> AttemptSpec.of(s, s.handler().killGrace()),
        token -> Optional.ofNullable(byToken.get(token)), (pid, ticks) -> alivePids.contains(pid), () -> BOOT);
  }

  @Test
  void aRecordedHandlerThatStillRunsIsAdoptedWithTheSettingsItWasStartedWith() {
    AttemptSpec asStarted = AttemptSpec.of(source("ideas", Duration.ofSeconds(5), 1), Duration.ofSeconds(2));
    Adoption.Plan plan = adoption(Set.of(101L), Map.of())
        .plan(new RunningItem(running("ideas", "tok"), Optional.of(recorded(BOOT, asStarted.toJson()))));

    assertThat(plan.kind()).isEqualTo(Adoption.Kind.ADOPT);
    assertThat(plan.spec()).isEqualTo(asStarted);
    assertThat(plan.spec().handler().timeout()).as("not today's 30 s").isEqualTo(Duration.ofSeconds(5));
    assertThat(plan.found()).isFalse();
  }

  @Test
  void aRecordedHandlerThatIsGoneIsLeftToItsExitStatus() {
    Adoption.Plan plan = adoption(Set.of(100L), Map.of()) // only the waiter lingers
        .plan(new RunningItem(running("ideas", "tok"), Optional.of(recorded(BOOT, "{}"))));

    assertThat(plan.kind()).isEqualTo(Adoption.Kind.GONE);
  }

  @Test
  void aHandlerOfAnEarlierBootIsInterruptedWhateverRunsUnderItsPidNow() {
    Adoption.Plan plan = adoption(Set.of(100L, 101L), Map.of())
        .plan(new RunningItem(running("ideas", "tok"), Optional.of(recorded("boot-before", "{}"))));

    assertThat(plan.kind()).isEqualTo(Adoption.Kind.OTHER_BOOT);
  }

  @Test
  void processesFoundByTheMarkerAreAdoptedWithARecordBuiltFromThemAndTheSourcesSettings() {
    HandlerProcesses p = new HandlerProcesses(200, 2000, 201, 2001, BOOT, STARTED);
    Adoption.Plan plan = adoption(Set.of(201L), Map.of("tok", p)).plan(new RunningItem(running("ideas", "tok"),
        Optional.empty()));

    assertThat(plan.kind()).isEqualTo(Adoption.Kind.ADOPT);
    assertThat(plan.found()).isTrue();
    HandlerRecord built = plan.handler().orElseThrow();
    assertThat(built).isEqualTo(new HandlerRecord(7, 2, "tok", BOOT, 200, 2000, 201, 2001, STARTED,
        plan.spec().toJson()));
    assertThat(plan.spec().handler().timeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void withoutARecordOrAProcessCarryingTheMarkerTheHandlerNeverStarted() {
    Adoption adoption = adoption(Set.of(), Map.of());

    assertThat(adoption.plan(new RunningItem(running("ideas", "tok"), Optional.empty())).kind())
        .isEqualTo(Adoption.Kind.NEVER_STARTED);
    assertThat(adoption.plan(new RunningItem(running("ideas", null), Optional.empty())).kind())
        .as("claimed before the ledger had markers").isEqualTo(Adoption.Kind.NEVER_STARTED);
  }

  @Test
  void aSourceNoLongerConfiguredKeepsItsRecordedSettingsOrElseGetsTheDefaults() {
    AttemptSpec asStarted = AttemptSpec.of(source("gone", Duration.ofSeconds(5), 2), Duration.ofSeconds(2));
    Adoption adoption = adoption(Set.of(101L, 201L),
        Map.of("tok2", new HandlerProcesses(200, 2000, 201, 2001, BOOT, STARTED)));

    assertThat(adoption.plan(new RunningItem(running("gone", "tok"), Optional.of(recorded(BOOT, asStarted.toJson()))))
        .spec()).isEqualTo(asStarted);
    assertThat(adoption.plan(new RunningItem(running("gone", "tok2"), Optional.empty())).spec())
        .isEqualTo(AttemptSpec.UNRECORDED);
    assertThat(adoption.plan(new RunningItem(running("gone", "tok"), Optional.of(recorded(BOOT, "not json"))))
        .spec()).isEqualTo(AttemptSpec.UNRECORDED);
  }

  @Test
  void theSpecReadsBackAsWrittenWithEverySettingNeededToFinishTheAttempt() {
    AttemptSpec spec = AttemptSpec.of(source("ideas", Duration.ofSeconds(5), 3), Duration.ofMillis(2500));

    AttemptSpec read = AttemptSpec.fromJson(spec.toJson());

    assertThat(read).isEqualTo(spec);
    assertThat(read.handler()).isEqualTo(new HandlerConfig(List.of("/bin/handle"), Duration.ofSeconds(5),
        Duration.ofMillis(2500), 4096, Duration.ofSeconds(7), new HandlerLimits(1 << 20, 9)));
    assertThat(read.retry()).isEqualTo(new RetryConfig(3, Duration.ofSeconds(1), Duration.ofSeconds(8), 4));
    assertThat(spec.toJson()).doesNotContain("\n");
  }
}
