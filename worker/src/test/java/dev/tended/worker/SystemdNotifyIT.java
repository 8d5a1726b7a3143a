package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.NotifySocket;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import dev.tended.testkit.faults.WedgeablePolls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real worker jar, run as systemd would run a {@code Type=notify} unit with {@code WatchdogSec=1}:
 * {@code NOTIFY_SOCKET} names a datagram socket bound by the test, {@code WATCHDOG_USEC} is one second.
 */
class SystemdNotifyIT {
  private static final Duration WATCHDOG = Duration.ofSeconds(1);
  /** Scheduling jitter allowed on top of WATCHDOG/2 on a busy two-core machine. */
  private static final Duration JITTER = Duration.ofMillis(300);

  @TempDir Path dir;

  @Test
  void workerSaysReadyAfterFirstPollsPingsWhileProgressingGoesQuietWhenWedgedAndSaysStopping() throws Exception {
    try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify.sock"));
         WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "cat >/dev/null");
      // A heartbeat slower than WATCHDOG/2 on purpose: the pings must not depend on the beat's pace.
      f.config.heartbeatInterval("2s")
          .source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
          .source(TestConfig.jsonQueue("qa-issues", "QAissue.json", handler, ""))
          .write();
      Queues.replaceAtomically(f.config.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 3));
      WorkerProcess worker = WorkerProcess.startWorker(f.config.file(),
          Map.of("NOTIFY_SOCKET", systemd.path().toString(),
              "WATCHDOG_USEC", Long.toString(WATCHDOG.toNanos() / 1000)),
          dir.resolve("worker.out"));

      await("READY=1").atMost(Duration.ofSeconds(30)).until(() -> systemd.first(m -> m.has("READY=1")).isPresent());
      List<NotifySocket.Message> all = systemd.messages();
      assertThat(all.get(0).hasPrefix("EXTEND_TIMEOUT_USEC=")).as("first message extends the start timeout").isTrue();
      awaitLogged(() -> assertThat(f.workerLog()).contains("sd_ready sources=2"));

      await("STATUS with item counts").atMost(Duration.ofSeconds(20))
          .until(() -> systemd.first(m -> m.lines().stream()
              .anyMatch(l -> l.startsWith("STATUS=ideas: ") && l.contains("; qa-issues: "))).isPresent());

      long from = System.nanoTime();
      // Watch eight pings (about 4 s at WATCHDOG/2) instead of sleeping through a window.
      await("eight WATCHDOG=1 while progressing").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> systemd.times("WATCHDOG=1", from).size() >= 8);
      Duration gap = systemd.longestGap("WATCHDOG=1", from, System.nanoTime());
      assertThat(gap).as("longest time without WATCHDOG=1 while progressing")
          .isLessThanOrEqualTo(WATCHDOG.dividedBy(2).plus(JITTER));

      // Wedge a poller: within the wedge limit (staleAfter/2 = 1.5 s) the pings stop, and stay stopped.
      Path wedge = WedgeablePolls.wedgeFile(f.config.dataDir(), "qa-issues");
      Files.createDirectories(wedge.getParent());
      Files.writeString(wedge, "");
      AtomicLong quietSince = new AtomicLong();
      await("no WATCHDOG=1 for 3 s while wedged").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            List<Long> pings = systemd.times("WATCHDOG=1", 0);
            long last = pings.isEmpty() ? 0 : pings.get(pings.size() - 1);
            quietSince.set(last);
            return System.nanoTime() - last > Duration.ofSeconds(3).toNanos();
          });
      assertThat(systemd.first(m -> m.lines().stream().anyMatch(l -> l.startsWith("STATUS=wedged: poll-qa-issues"))))
          .as("the status line names the wedged part").isPresent();
      awaitLogged(() -> assertThat(f.workerLog()).contains("watchdog_withheld"));

      Files.delete(wedge);
      long unwedged = System.nanoTime();
      await("WATCHDOG=1 again once unwedged").atMost(Duration.ofSeconds(10))
          .until(() -> !systemd.times("WATCHDOG=1", unwedged).isEmpty());

      worker.signal("TERM");
      assertThat(worker.awaitExit(Duration.ofSeconds(20))).isZero();
      await().atMost(Duration.ofSeconds(5)).until(() -> systemd.first(m -> m.has("STOPPING=1")).isPresent());
      long stoppingAt = systemd.first(m -> m.has("STOPPING=1")).orElseThrow().atNanos();
      assertThat(systemd.times("WATCHDOG=1", stoppingAt + 1)).as("no pings after STOPPING=1").isEmpty();
      List<NotifySocket.Message> last = systemd.messages();
      assertThat(last.get(last.size() - 1).lines()).contains("STATUS=stopped");
    }
  }

  @Test
  void workerWithoutNotifySocketSaysOnceThatItSendsNothing() throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      Path handler = f.recordingHandler("ok.sh", "cat >/dev/null");
      f.config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
      WorkerProcess worker = f.start();
      f.awaitBeatFrom(worker);
      worker.signal("TERM");
      assertThat(worker.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(f.workerLog().lines().filter(l -> l.contains("sd_notify_off"))).hasSize(1);
    }
  }
}
