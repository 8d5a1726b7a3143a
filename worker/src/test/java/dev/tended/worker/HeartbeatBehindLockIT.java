package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat reads the ledger without queueing behind another process's write lock. */
class HeartbeatBehindLockIT {
  @TempDir Path dir;

  @Test
  void heartbeatKeepsBeatingWhileAnotherProcessHoldsTheLedgersWriteLockAndNewItemsWaitForIt() throws Exception {
    TestConfig c = new TestConfig(dir).heartbeatInterval("200ms");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("h.sh", "cat > /dev/null"), "")).write();
    Path queue = c.dataDir().resolve("ideas_log.json");
    Queues.replaceAtomically(queue, Queues.ideas("i", 0, 1));
    StatusProbe status = new StatusProbe(c.dataDir().resolve("status.json"));
    try (WorkerProcess worker = WorkerProcess.startWorker(c.file(), dir.resolve("worker.out"))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> status.read()
          .filter(s -> "running".equals(s.state()) && s.sources().get("ideas").succeeded() == 1).isPresent());
      try (Connection cli = DriverManager.getConnection("jdbc:sqlite:" + c.dataDir().resolve("ledger.db"));
          Statement st = cli.createStatement()) {
        st.execute("BEGIN IMMEDIATE"); // what an operator command's transaction does
        st.executeUpdate("UPDATE meta SET value = value WHERE key = 'schema'");
        // a new item: the poller's write now waits for the lock, as the dispatcher's do
        Queues.replaceAtomically(queue, Queues.ideas("i", 0, 2));
        long before = status.sequence();
        // within the busy timeout (10 s) the worker's writers wait; the beats must go on meanwhile
        await().atMost(Duration.ofSeconds(2)).until(() -> status.sequence() >= before + 4);
        assertThat(status.read().orElseThrow().sources().get("ideas").succeeded()).isEqualTo(1);
        st.execute("COMMIT");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> status.read()
          .filter(s -> s.sources().get("ideas").succeeded() == 2).isPresent());
      assertThat(worker.isAlive()).isTrue();
    }
  }
}
