package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandlerProcessIT {
  @TempDir Path dir;

  @Test
  void handlerSleepingPastItsTimeoutIsStoppedWithItsChildrenRetriedThenDead() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path pids = dir.resolve("pids");
      Path handler = f.recordingHandler("hang.sh", """
          sleep 300 &
          echo $! >> '%s'
          echo $$ >> '%s'
          sleep 300
          """.formatted(pids, pids));
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")
          .replace("timeout: 20s", "timeout: 1s")
          .replace("maxAttempts: 3", "maxAttempts: 2")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("h", 0, 1));
      f.start();

      await().atMost(Duration.ofSeconds(40)).until(() -> f.counts("ideas").get(ItemState.DEAD) == 1);
      ItemRecord dead = f.withLedger(l -> l.inState("ideas", ItemState.DEAD)).get(0);
      assertThat(dead.attempts()).isEqualTo(2);
      assertThat(dead.lastError()).contains("timed out");
      List<String> started = Files.readAllLines(pids);
      assertThat(started).hasSize(4);
      await().atMost(Duration.ofSeconds(10)).until(() -> started.stream()
          .noneMatch(pid -> ProcessHandle.of(Long.parseLong(pid.trim())).map(ProcessHandle::isAlive).orElse(false)));
      assertThat(Files.readString(f.config.dataDir().resolve("results/ideas/h0.json"))).contains("\"status\" : \"dead\"");
    }
  }

  @Test
  void handlerExitingWhileABackgroundChildHoldsItsStdoutDoesNotHoldUpItsItem() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path childPid = dir.resolve("child.pid");
      Path handler = f.recordingHandler("leaves-child.sh", """
          (sleep 120; echo late) &
          echo $! > '%s'
          echo handled
          exit 0
          """.formatted(childPid));
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("b", 0, 1));
      f.start();

      await().atMost(Duration.ofSeconds(20)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      ItemRecord done = f.withLedger(l -> l.inState("ideas", ItemState.SUCCEEDED)).get(0);
      assertThat(Duration.between(done.lastStartedAt(), done.lastFinishedAt())).isLessThan(Duration.ofSeconds(15));
      long pid = Long.parseLong(Files.readString(childPid).trim());
      await().atMost(Duration.ofSeconds(10)).until(() ->
          ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
      assertThat(Files.readString(f.config.dataDir().resolve("results/ideas/b0.json"))).contains("handled");
    }
  }

  @Test
  void handlerGetsTheItemOnStdinItsVariablesAndTheDataFolderAsWorkingDirectory() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path dump = dir.resolve("dump");
      Path handler = f.config.script("dump.sh", """
          mkdir -p '%1$s'
          cat > '%1$s/stdin'
          pwd -P > '%1$s/pwd'
          env | grep -E '^TENDED_(SOURCE|ITEM_ID|ATTEMPT|IDEMPOTENCY_KEY|WORK_DIR)=' | sort > '%1$s/env'
          exit 0
          """.formatted(dump));
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("e", 0, 1));
      f.start();

      await().atMost(Duration.ofSeconds(20)).until(() -> f.counts("ideas").get(ItemState.SUCCEEDED) == 1);
      ItemRecord done = f.withLedger(l -> l.inState("ideas", ItemState.SUCCEEDED)).get(0);
      assertThat(Files.readString(dump.resolve("stdin"))).isEqualTo(done.payload()).contains("\"id\"").contains("e0");
      assertThat(Path.of(Files.readString(dump.resolve("pwd")).strip()))
          .isEqualTo(f.config.dataDir().toRealPath());
      assertThat(Files.readAllLines(dump.resolve("env"))).containsExactly(
          "TENDED_ATTEMPT=1",
          "TENDED_IDEMPOTENCY_KEY=" + done.idempotencyKey(),
          "TENDED_ITEM_ID=e0",
          "TENDED_SOURCE=ideas",
          "TENDED_WORK_DIR=" + f.config.dataDir().resolve("work/ideas/e0").resolve(done.contentHash().substring(0, 16)));
      assertThat(done.idempotencyKey()).startsWith("ideas:e0:");
    }
  }
}
