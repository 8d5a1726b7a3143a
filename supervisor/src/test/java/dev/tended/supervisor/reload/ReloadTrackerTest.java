package dev.tended.supervisor.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.notify.Notifier;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.notify.SupervisorNotifications;
import dev.tended.supervisor.restart.HandOver;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadTrackerTest {
  @TempDir Path dir;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private Path file;
  private Path status;
  private ReloadTracker tracker;

  @BeforeEach
  void setUp() throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("ok.sh", "exit 0"), "")).write();
    TendedConfig config = ConfigLoader.load(c.file());
    Files.createDirectories(config.dataDir());
    file = ReloadStateFile.in(config.dataDir());
    status = config.heartbeat().file();
    tracker = new ReloadTracker(file, status, new SupervisorNotifications(Notifier.none(), config), Clock.systemUTC(),
        nanos::get);
  }

  private void beat(long pid, String state) throws Exception {
    Instant now = Instant.now();
    StatusFiles.write(status, new WorkerStatus(WorkerStatus.SCHEMA, pid, state, "t", now, now, 1, Map.of()));
  }

  private ReloadState state() throws Exception {
    return ReloadStateFile.read(file).orElseThrow();
  }

  @Test
  void aReloadIsDoneAtTheFirstRunningBeatOfAnotherPidWithTheTimeSinceTheSignal() throws Exception {
    beat(100, "running");
    tracker.started("cfg");
    long start = state().generation();
    tracker.begin("cfg", nanos.get(), Instant.now(), Duration.ofSeconds(30));
    assertThat(state().outcome()).isEqualTo(ReloadState.RELOADING);
    assertThat(state().settled()).isFalse();

    nanos.addAndGet(Duration.ofMillis(300).toNanos());
    beat(100, "stopped");
    tracker.afterTick();
    assertThat(state().outcome()).as("the old worker's last status").isEqualTo(ReloadState.RELOADING);

    tracker.handedOver(new HandOver("handed_over", 75, 200));
    nanos.addAndGet(Duration.ofMillis(1200).toNanos());
    beat(101, "running");
    tracker.afterTick();

    ReloadState done = state();
    assertThat(done.outcome()).isEqualTo(ReloadState.DONE);
    assertThat(done.tookMs()).isEqualTo(1500);
    assertThat(done.workerPid()).isEqualTo(101);
    assertThat(done.generation()).isEqualTo(start + 1);
  }

  @Test
  void aRefusalIsKeptWithItsProblemsUntilAStartOrALaterReload() throws Exception {
    tracker.started("cfg");
    long start = state().generation();
    tracker.refused("cfg", Instant.now(), List.of("supervisor.staleAfter: not a duration"));
    assertThat(state().outcome()).isEqualTo(ReloadState.REFUSED);
    assertThat(state().problems()).containsExactly("supervisor.staleAfter: not a duration");
    assertThat(state().generation()).isEqualTo(start + 1);
    tracker.afterTick();
    assertThat(state().outcome()).isEqualTo(ReloadState.REFUSED);

    tracker.started("cfg");
    assertThat(state().outcome()).isEqualTo(ReloadState.STARTED);
    assertThat(state().problems()).isEmpty();
  }

  @Test
  void aReloadWithoutANewWorkersBeatWithinTheLimitFails() throws Exception {
    beat(100, "running");
    tracker.begin("cfg", nanos.get(), Instant.now(), Duration.ofSeconds(5));
    nanos.addAndGet(Duration.ofSeconds(4).toNanos());
    tracker.afterTick();
    assertThat(state().outcome()).isEqualTo(ReloadState.RELOADING);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    tracker.afterTick();
    assertThat(state().outcome()).isEqualTo(ReloadState.FAILED);
    assertThat(state().problems()).singleElement().asString().contains("no heartbeat from a new worker");
  }

  @Test
  void theGenerationGoesOnAcrossTrackersSoAWaitingClientSeesANewOne() throws Exception {
    tracker.started("cfg");
    tracker.refused("cfg", Instant.now(), List.of("x"));
    long before = state().generation();
    ReloadTracker next = new ReloadTracker(file, status, trackerNotifications(),
        Clock.systemUTC(), nanos::get);
    next.started("cfg");
    assertThat(state().generation()).isEqualTo(before + 1);
  }

  private SupervisorNotifications trackerNotifications() throws Exception {
    return new SupervisorNotifications(Notifier.none(), ConfigLoader.load(dir.resolve("tended.yaml")));
  }
}
