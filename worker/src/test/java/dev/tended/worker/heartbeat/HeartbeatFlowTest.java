package dev.tended.worker.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.AttemptStats;
import dev.tended.ledger.IdentityRecord;
import dev.tended.ledger.PruneCursor;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.PrunedItem;
import dev.tended.ledger.RunningItem;
import dev.tended.ledger.SourceFlow;
import dev.tended.status.FastPath;
import dev.tended.status.SourceStatus;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.TestConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat's flow fields from a ledger view that answers, and from one that fails. */
class HeartbeatFlowTest {
  private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");

  @TempDir Path dir;
  private TendedConfig config;
  private final FlowView view = new FlowView();
  private Instant now = T0;
  private PollReport ideasPoll = new PollReport(T0, false, "not a regular file", null, 3);

  @BeforeEach
  void setUp() throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("h.sh", "exit 0"), "")).write();
    config = ConfigLoader.load(c.file());
  }

  @Test
  void eachBeatCarriesTheOldestDueAgeAtItsOwnTimeTheLastFinishAndSuccessAndTheFailedPolls() throws Exception {
    view.flow = new SourceFlow(T0.minusSeconds(10), T0.minusSeconds(4), T0.minusSeconds(60));

    SourceStatus s = beat();

    assertThat(s.oldestPendingAgeSeconds()).isEqualTo(10.0);
    assertThat(s.lastFinishedAt()).isEqualTo(T0.minusSeconds(4));
    assertThat(s.lastSucceededAt()).isEqualTo(T0.minusSeconds(60));
    assertThat(s.pollErrors()).isEqualTo(3);
    assertThat(s.paused()).isFalse();
  }

  @Test
  void nothingDueIsNull() throws Exception {
    view.flow = new SourceFlow(null, T0.minusSeconds(4), null);

    SourceStatus s = beat();

    assertThat(s.oldestPendingAgeSeconds()).isNull();
    assertThat(s.lastSucceededAt()).isNull();
  }

  @Test
  void whenTheLedgerCannotSayTheLastFiguresAreKeptAndTheOldestAgeGoesOnGrowing() throws Exception {
    view.flow = new SourceFlow(T0.minusSeconds(10), T0.minusSeconds(4), T0.minusSeconds(60));
    Heartbeat heartbeat = heartbeat();
    heartbeat.writeFinal("running");

    view.failing = true;
    now = T0.plus(Duration.ofMillis(2500));
    heartbeat.writeFinal("running");

    SourceStatus s = read().sources().get("ideas");
    assertThat(s.oldestPendingAgeSeconds()).isEqualTo(12.5);
    assertThat(s.lastFinishedAt()).isEqualTo(T0.minusSeconds(4));
    assertThat(read().updatedAt()).isEqualTo(now);
  }

  private SourceStatus beat() throws Exception {
    heartbeat().writeFinal("running");
    return read().sources().get("ideas");
  }

  private WorkerStatus read() throws Exception {
    return StatusFiles.read(config.heartbeat().file());
  }

  private Heartbeat heartbeat() {
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
    BeatListener quiet = new BeatListener() {
      @Override
      public void beat(WorkerStatus status) {}

      @Override
      public void withheld(List<ProgressBoard.Wedge> wedges) {}
    };
    return new Heartbeat(config, view, new ProgressBoard(System::nanoTime), () -> Map.of("ideas", ideasPoll), Map::of,
        Map::of, Map::of, () -> FastPath.ON, () -> null, quiet, clock, "test");
  }

  /** A view that answers counts and flow only, and whose flow read fails on demand. */
  private static final class FlowView implements LedgerView {
    SourceFlow flow = SourceFlow.NONE;
    boolean failing;

    @Override
    public Map<String, SourceFlow> flowBySource(Instant at) {
      if (failing) {
        throw new IllegalStateException("database is locked");
      }
      return Map.of("ideas", flow);
    }

    @Override
    public Map<String, Map<ItemState, Long>> countsBySource() {
      return Map.of("ideas", LedgerView.emptyCounts());
    }

    @Override
    public long countInState(ItemState state) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ItemRecord> recent(int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ItemRecord> versions(String source, String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ItemRecord> inState(String source, ItemState state) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int transitionsTo(long seq, ItemState state) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<RunningItem> running() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<dev.tended.ledger.NodeRecord> nodes() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<dev.tended.ledger.PollerOwners.PollerOwner> pollers() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<AttemptRecord> attempts(long seq) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, AttemptStats> attemptStats() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ItemRecord> newestInState(String source, ItemState state) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long forEachPrunable(Instant succeededBefore, Instant deadBefore, Consumer<PrunedItem> each) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long identitiesFinishedBefore(Instant finishedBefore) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<IdentityRecord> identities(String source, String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<IdentityRecord> identitiesPrunedAfter(PruneCursor after, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean givesSpaceBack() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, dev.tended.ledger.SourcePause> pauses() {
      return Map.of();
    }

    @Override
    public List<ItemRecord> dead(dev.tended.ledger.DeadSelection selection) {
      return List.of();
    }

    @Override
    public List<String> integrityCheck() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
