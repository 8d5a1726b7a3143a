package dev.tended.supervisor.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.RunningItem;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import dev.tended.testkit.TestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongHandlersCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");

  @TempDir Path dir;

  @Test
  void aHandlerRunningLongerThanItsSourcesWarnAfterIsListedWithSourceIdPidAndHowLong() throws Exception {
    TendedConfig config = config(", warnAfter: 10m", "");
    Check c = LongHandlersCheck.of(config, List.of(
        running("ideas", "slow", 4242L, NOW.minus(Duration.ofMinutes(25))),
        running("ideas", "quick", 4343L, NOW.minus(Duration.ofMinutes(2)))), NOW);

    assertThat(c.name()).isEqualTo("long_handlers");
    assertThat(c.level()).isEqualTo(Level.DEGRADED);
    assertThat(c.detail()).startsWith("1 running longer than warnAfter: ideas/slow pid 4242 running for 25m (warnAfter 10m")
        .doesNotContain("quick");
  }

  @Test
  void handlersWithinWarnAfterAreOkAndTheLineNamesTheLimits() throws Exception {
    TendedConfig config = config(", warnAfter: 10m", "");
    Check c = LongHandlersCheck.of(config, List.of(running("ideas", "quick", 1L, NOW.minusSeconds(30))), NOW);

    assertThat(c.level()).isEqualTo(Level.OK);
    assertThat(c.detail()).isEqualTo("none (warnAfter: ideas 10m)");
  }

  @Test
  void onlyTheSourcesThatSetWarnAfterAreWatched() throws Exception {
    TendedConfig config = config(", warnAfter: 10m", "");
    Check c = LongHandlersCheck.of(config, List.of(running("qa", "old", 7L, NOW.minus(Duration.ofHours(5)))), NOW);

    assertThat(c.level()).isEqualTo(Level.OK);
  }

  @Test
  void anItemClaimedButWithoutARecordedHandlerIsTimedFromItsStart() throws Exception {
    TendedConfig config = config(", warnAfter: 1m", "");
    RunningItem claimed = new RunningItem(item("ideas", "claimed", NOW.minus(Duration.ofMinutes(3))), Optional.empty());

    Check c = LongHandlersCheck.of(config, List.of(claimed), NOW);

    assertThat(c.level()).isEqualTo(Level.DEGRADED);
    assertThat(c.detail()).contains("ideas/claimed pid none recorded running for 3m");
  }

  @Test
  void withoutAnyWarnAfterTheCheckIsOffAndTheLedgerIsNotRead() throws Exception {
    TendedConfig config = config("", "");
    Check c = LongHandlersCheck.reading(config, cfg -> {
      throw new AssertionError("the ledger must not be read");
    }, NOW);

    assertThat(c.level()).isEqualTo(Level.OK);
    assertThat(c.detail()).startsWith("off");
  }

  @Test
  void aLedgerThatCannotBeReadMakesTheLineUnknown() throws Exception {
    TendedConfig config = config(", warnAfter: 1m", "");
    Check c = LongHandlersCheck.reading(config, cfg -> {
      throw new IllegalStateException("database is locked");
    }, NOW);

    assertThat(c.level()).isEqualTo(Level.UNKNOWN);
    assertThat(c.detail()).contains("database is locked");
  }

  @Test
  void atMostTenAreNamedAndTheRestCounted() throws Exception {
    TendedConfig config = config(", warnAfter: 1m", "");
    List<RunningItem> many = java.util.stream.IntStream.range(0, 12)
        .mapToObj(i -> running("ideas", "i" + i, 100L + i, NOW.minus(Duration.ofMinutes(5)))).toList();

    Check c = LongHandlersCheck.of(config, many, NOW);

    assertThat(c.detail()).startsWith("12 running longer than warnAfter").contains("ideas/i9 ").doesNotContain("ideas/i10 ")
        .endsWith("; and 2 more");
  }

  private TendedConfig config(String ideasHandlerExtra, String extraTopLevel) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("h.sh", "exit 0");
    c.source(TestConfig.source("json-queue", "ideas", "ideas.json", "1s",
        TestConfig.handler(handler, "1h", "1s", ideasHandlerExtra), List.of()));
    c.source(TestConfig.jsonQueue("qa", "qa.json", handler, ""));
    c.extra(extraTopLevel).write();
    return ConfigLoader.load(c.file());
  }

  static RunningItem running(String source, String id, long pid, Instant started) {
    HandlerRecord h = new HandlerRecord(1, 1, "token", "boot", pid - 1, 10, pid, 11, started, "{}");
    return new RunningItem(item(source, id, started), Optional.of(h));
  }

  private static ItemRecord item(String source, String id, Instant started) {
    return new ItemRecord(1, source, id, "abcdef0123456789", "{}", ItemState.RUNNING, 1, null, started, started,
        started, null, null, null, 0, "token");
  }
}
