package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.NotifySocket;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real supervisor run as systemd runs {@code tended.service} ({@code Type=notify},
 * {@code WatchdogSec=1}): it speaks for the unit, and its worker child does not get the socket.
 */
class SupervisorNotifyIT {
  private static final Duration WATCHDOG = Duration.ofSeconds(1);
  private static final Duration JITTER = Duration.ofMillis(300);

  @TempDir Path dir;

  @Test
  void supervisorIsReadyOnceItsWorkerBeatsPingsWhileWatchingAndKeepsTheSocketFromTheWorker() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "cat > /dev/null; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).heartbeatInterval("300ms")
        .supervisor("{ staleAfter: 3s, startupGrace: 20s, stopGrace: 2s }");
    Files.createDirectories(c.dataDir());
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 2));
    c.write();
    try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify.sock"));
         Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of("NOTIFY_SOCKET", systemd.path().toString(),
             "WATCHDOG_USEC", Long.toString(WATCHDOG.toNanos() / 1000)))) {
      await("READY=1").atMost(Duration.ofSeconds(30)).until(() -> systemd.first(m -> m.has("READY=1")).isPresent());
      awaitLogged(() -> assertThat(sup.log()).contains("worker_first_heartbeat").contains("sd_ready mode=child"));
      assertThat(systemd.first(m -> m.has("READY=1")).orElseThrow().lines())
          .anyMatch(l -> l.startsWith("STATUS=worker ") && l.contains("ideas:"));

      // at least six pings (three seconds at WatchdogSec/2), each within half the watchdog of the previous
      long from = System.nanoTime();
      await("six WATCHDOG=1 pings").atMost(Duration.ofSeconds(3).plus(JITTER.multipliedBy(6)))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> systemd.times("WATCHDOG=1", from).size() >= 6);
      List<Long> pings = systemd.times("WATCHDOG=1", from);
      assertThat(systemd.longestGap("WATCHDOG=1", from, pings.get(pings.size() - 1)))
          .isLessThanOrEqualTo(WATCHDOG.dividedBy(2).plus(JITTER));

      sup.process().signal("TERM");
      assertThat(sup.process().awaitExit(Duration.ofSeconds(20))).isZero();
      await().atMost(Duration.ofSeconds(5)).until(() -> systemd.first(m -> m.has("STOPPING=1")).isPresent());
      List<NotifySocket.Message> all = systemd.messages();
      assertThat(all).as("nothing from the worker: it would have sent EXTEND_TIMEOUT_USEC first")
          .noneMatch(m -> m.hasPrefix("EXTEND_TIMEOUT_USEC="));
      assertThat(sup.log().lines().filter(l -> l.contains("sd_notify_on socket="))).as("only the supervisor").hasSize(1);
      assertThat(sup.log()).contains("sd_notify_off reason=\"NOTIFY_SOCKET is not set");
    }
  }

  @Test
  void aSupervisorThatCannotStartTellsSystemdWhyWithAnErrno() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "cat > /dev/null; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).supervisor("{ stopGrace: 2s }");
    Files.createDirectories(c.dataDir());
    c.write();
    // Another supervisor (this test) holds the data folder's lock.
    try (FileChannel ch = FileChannel.open(c.dataDir().resolve("supervisor.lock"), StandardOpenOption.CREATE,
             StandardOpenOption.WRITE);
         FileLock lock = ch.lock();
         NotifySocket systemd = NotifySocket.bind(dir.resolve("notify.sock"));
         Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of("NOTIFY_SOCKET", systemd.path().toString()))) {
      assertThat(sup.process().awaitExit(Duration.ofSeconds(20))).as(sup.log()).isEqualTo(1);
      await("ERRNO=").atMost(Duration.ofSeconds(5)).until(() -> systemd.first(m -> m.hasPrefix("ERRNO=")).isPresent());
      assertThat(systemd.first(m -> m.hasPrefix("ERRNO=")).orElseThrow().lines())
          .contains("ERRNO=11").anyMatch(l -> l.startsWith("STATUS=failed to start: another supervisor is already watching"));
      assertThat(systemd.messages()).noneMatch(m -> m.has("READY=1"));
      assertThat(sup.log()).contains("another supervisor is already watching");
    }
  }
}
