package dev.tended.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigAndInputIT {
  @TempDir Path dir;

  /** The worker jar on a configuration file holding {@code yaml}, with {@code more} arguments. */
  private WorkerProcess startOn(String yaml, String... more) throws Exception {
    Path config = Files.createTempFile(dir, "tended", ".yaml");
    Files.writeString(config, yaml);
    List<String> args = new java.util.ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(more));
    return WorkerProcess.start(WorkerProcess.workerJar(), args, Map.of(), dir.resolve(config.getFileName() + ".out"));
  }

  @Test
  void badConfigurationExits78NamingTheKeysPath() throws Exception {
    WorkerProcess p = startOn("""
        dataDir: ./var
        sources:
          - name: ideas
            type: json-queue
            path: ideas_log.json
            pollInterval: 2x
            handler: { command: ["/bin/true"] }
        """);
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
    assertThat(p.output()).contains("sources[0].pollInterval: \"2x\" is not a duration");
  }

  @Test
  void checkConfigRefusesAZeroMaxOutputWithExit78() throws Exception {
    WorkerProcess p = startOn("""
        dataDir: ./var
        sources:
          - name: ideas
            type: json-queue
            path: ideas_log.json
            handler: { command: ["/bin/true"], maxOutput: 0 }
        """, "--check-config");
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
    assertThat(p.output()).contains("sources[0].handler.maxOutput: must be more than 0 bytes");
  }

  @Test
  void missingConfigOptionOrFileExits78() throws Exception {
    WorkerProcess noOption = WorkerProcess.start(WorkerProcess.workerJar(), List.of(), Map.of(), dir.resolve("out1"));
    assertThat(noOption.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
    assertThat(noOption.output()).contains("--config");
    WorkerProcess noFile = WorkerProcess.start(WorkerProcess.workerJar(),
        List.of("--config", dir.resolve("absent.yaml").toString()), Map.of(), dir.resolve("out2"));
    assertThat(noFile.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
    assertThat(noFile.output()).contains("absent.yaml: no such file");
  }

  @Test
  void checkConfigValidatesWithoutStarting() throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", Path.of("/bin/true"), "")).write();
    WorkerProcess p = WorkerProcess.start(WorkerProcess.workerJar(),
        List.of("--config", c.file().toString(), "--check-config"), Map.of(), dir.resolve("out"));
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(p.output()).contains("configuration ok");
    assertThat(c.dataDir().resolve("status.json")).doesNotExist();
  }

  @Test
  void fifoWhereAQueueFileShouldBeIsAnErrorNotAHang() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "exit 0");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
          .source(TestConfig.jsonQueue("qa-issues", "QAissue.json", handler, "")).write();
      Path fifo = f.config.dataDir().resolve("ideas_log.json");
      assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
      Queues.replaceAtomically(f.config.dataDir().resolve("QAissue.json"), Queues.jsonLines(List.of("q1")));
      WorkerProcess worker = f.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> f.status.read()
          .map(s -> s.sources().get("ideas").lastError() != null).orElse(false));
      assertThat(f.status.read().orElseThrow().sources().get("ideas").lastError()).contains("not a regular file");
      await().atMost(Duration.ofSeconds(30)).until(() -> f.counts("qa-issues").get(ItemState.SUCCEEDED) == 1);
      long seq = f.status.sequence();
      await().atMost(Duration.ofSeconds(10)).until(() -> f.status.sequence() > seq + 3);
      assertThat(worker.isAlive()).isTrue();
    }
  }
}
