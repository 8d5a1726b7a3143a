package dev.tended.supervisor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The supervisor's textfile writer: rewritten each interval, a failing folder logged once, a last write at stop. */
class MetricsTextfileTest {
  @TempDir Path dir;
  private final Logger writerLog = (Logger) LoggerFactory.getLogger(MetricsTextfile.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private MetricsTextfile writer;
  private Level level;

  @BeforeEach
  void capture() {
    level = writerLog.getLevel();
    writerLog.setLevel(Level.INFO);
    logged.start();
    writerLog.addAppender(logged);
  }

  @AfterEach
  void release() {
    if (writer != null) {
      writer.stop();
    }
    writerLog.detachAppender(logged);
    writerLog.setLevel(level);
  }

  private TendedConfig config(Path textfile) throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("ok.sh", "exit 0"), ""))
        .heartbeatInterval("100ms").extra(textfile == null ? "" : "metrics:\n  textfile: " + textfile + "\n").write();
    return ConfigLoader.load(c.file());
  }

  private long events(String name) {
    return logged.list.stream().filter(e -> e.getFormattedMessage().startsWith(name + " ")).count();
  }

  @Test
  void theFileIsRewrittenEveryIntervalWithTheTimeOfEachWrite() throws Exception {
    Path textfile = dir.resolve("prom/tended.prom");
    TendedConfig cfg = config(textfile);
    Files.writeString(cfg.heartbeat().file(), "{\"schema\":1,\"pid\":1,\"state\":\"running\",\"version\":\"t\","
        + "\"startedAt\":\"2026-12-01T10:00:00Z\",\"updatedAt\":\"2026-12-01T10:00:00Z\",\"sequence\":5,\"sources\":{}}");
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:01Z"));
    writer = new MetricsTextfile(cfg, new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now.get(); }
    });
    writer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(textfile)
        && Files.readString(textfile).contains("tended_heartbeat_age_seconds 1.0"));
    now.set(Instant.parse("2026-12-01T10:00:09Z"));
    await("the next write, without the heartbeat having moved").atMost(Duration.ofSeconds(10))
        .until(() -> Files.readString(textfile).contains("tended_heartbeat_age_seconds 9.0"));
    assertThat(Files.readString(textfile)).contains("tended_heartbeat_sequence 5.0");
  }

  @Test
  void aFolderThatCannotBeWrittenIsLoggedOnceAndTheFileComesWhenItCan() throws Exception {
    Path blocker = dir.resolve("prom");
    Files.writeString(blocker, "a file where the folder should be");
    Path textfile = blocker.resolve("tended.prom");
    writer = new MetricsTextfile(config(textfile), Clock.systemUTC());
    writer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> events("metrics_write_failed") == 1);
    // Several intervals later: still one line for the same failure.
    long before = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - before > 500_000_000L);
    assertThat(events("metrics_write_failed")).isEqualTo(1);
    Files.delete(blocker);
    Files.createDirectories(blocker);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(textfile));
    await().atMost(Duration.ofSeconds(10)).until(() -> events("metrics_write_recovered") == 1);
    assertThat(Files.readString(textfile)).contains("# TYPE tended_worker_up gauge");
  }

  @Test
  void stopWritesOneLastExpositionAndEndsTheThread() throws Exception {
    Path textfile = dir.resolve("tended.prom");
    writer = new MetricsTextfile(config(textfile), Clock.systemUTC());
    writer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(textfile));
    Files.delete(textfile);
    writer.stop();
    assertThat(textfile).exists();
    long after = Files.getLastModifiedTime(textfile).toMillis();
    writer.stop(); // idempotent
    assertThat(Files.getLastModifiedTime(textfile).toMillis()).isEqualTo(after);
  }

  @Test
  void aReloadThatNamesATextfileStartsWritingItAndOneThatMovesItWritesTheNewPath() throws Exception {
    writer = new MetricsTextfile(config(null), Clock.systemUTC());
    writer.start();
    Path first = dir.resolve("a/tended.prom");
    writer.reconfigure(config(first));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(first));
    Path second = dir.resolve("b/tended.prom");
    writer.reconfigure(config(second));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(second));
    assertThat(events("metrics_textfile_writing")).isEqualTo(1);
  }
}
