package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.status.FastPath;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Queues;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.notify.ServiceEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process: a worker that can get no watch service still starts, polls, and says the fast path is off. */
class WorkerFastPathTest {
  @TempDir Path dir;

  private static final ServiceEvents NO_SERVICE_MANAGER = new ServiceEvents() {
    @Override
    public void beat(WorkerStatus status) {}

    @Override
    public void withheld(List<ProgressBoard.Wedge> wedges) {}
  };

  @Test
  void aWorkerThatGetsNoWatchServiceStartsPollsAndShowsTheFastPathOffInItsStatus() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 2));
    TendedConfig config = ConfigLoader.load(c.file());
    StatusProbe status = new StatusProbe(c.dataDir().resolve("status.json"));
    Worker worker = new Worker(config, NO_SERVICE_MANAGER, () -> {
      throw new IOException("User limit of inotify instances reached or too many open files");
    });
    try {
      worker.start();

      await().atMost(Duration.ofSeconds(20)).until(() -> status.read()
          .filter(s -> s.sources().get("ideas").succeeded() == 2).isPresent());
      FastPath fastPath = status.read().orElseThrow().fastPath();
      assertThat(fastPath.on()).isFalse();
      assertThat(fastPath.reason()).contains("inotify instances");
    } finally {
      worker.stop();
    }
    assertThat(status.read().orElseThrow().state()).isEqualTo("stopped");
  }
}
