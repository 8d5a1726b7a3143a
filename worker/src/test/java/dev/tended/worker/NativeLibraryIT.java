package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the SQLite native library goes: once into the data folder's cache, never into the temporary folder. */
class NativeLibraryIT {
  @TempDir Path dir;

  @Test
  void workersKilledAgainAndAgainLeaveNothingInTheTemporaryFolder() throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("h.sh", "cat > /dev/null"), "")).write();
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 1));
    Path tmp = Files.createDirectories(dir.resolve("private-tmp"));
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
    StatusProbe status = new StatusProbe(c.dataDir().resolve("status.json"));
    long lastPid = -1;
    for (int round = 0; round < 3; round++) {
      try (WorkerProcess worker = WorkerProcess.startWorker(c.file(), env, dir.resolve("worker-" + round + ".out"))) {
        long pid = worker.pid();
        // running, with the ledger open (and so the native library loaded)
        await().atMost(Duration.ofSeconds(60)).until(() -> status.read()
            .filter(s -> s.pid() == pid && "running".equals(s.state())).isPresent());
        worker.signal("KILL");
        worker.awaitExit(Duration.ofSeconds(10));
        lastPid = pid;
      }
    }
    assertThat(lastPid).isPositive();
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.contains("sqlite")).toList())
          .as("native libraries (or their lock files) left in %s", tmp).isEmpty();
    }
    try (Stream<Path> cached = Files.list(c.dataDir().resolve(".cache"))) {
      List<String> names = cached.map(p -> p.getFileName().toString()).toList();
      assertThat(names).hasSize(1);
      assertThat(names.get(0)).startsWith("sqlite-").endsWith("libsqlitejdbc.so");
    }
  }
}
