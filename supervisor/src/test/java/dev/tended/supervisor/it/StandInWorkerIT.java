package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the real worker cannot be made to do on demand: write timestamps from a jumped wall clock, and
 * run as a systemd unit. A {@code /bin/sh} stand-in writes the status file instead.
 */
class StandInWorkerIT {
  @TempDir Path dir;

  /** A stand-in that beats every 200 ms: {@code updatedAt} from {@code date} shifted by UPDATED, sequence frozen when FREEZE=1. */
  private Path standIn(TestConfig c) throws Exception {
    return c.script("stand-in-worker.sh", """
        # tended-worker stand-in
        seq=0
        while true; do
          [ "$FREEZE" = 1 ] && [ $seq -ge 3 ] || seq=$((seq+1))
          now=$(date -u -d "${UPDATED:-now}" +%Y-%m-%dT%H:%M:%SZ)
          printf '{"schema":1,"pid":%d,"state":"running","version":"s","startedAt":"%s","updatedAt":"%s","sequence":%d,"sources":{}}' \\
            $$ "$now" "$now" $seq > "$STATUS.tmp" && mv "$STATUS.tmp" "$STATUS"
          sleep 0.2
        done""");
  }

  private TestConfig config(String supervisorExtra) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    Path worker = standIn(c);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 3s, startupGrace: 5s, stopGrace: 1s, workerCommand: [\"/bin/sh\", \"" + worker
            + "\"]" + supervisorExtra + " }")
        .write();
    return c;
  }

  @Test
  void updatedAtFromAJumpedClockDoesNotTriggerARestartWhileTheSequenceAdvances() throws Exception {
    TestConfig c = config("");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(),
        Map.of("STATUS", c.dataDir().resolve("status.json").toString(), "UPDATED", "2001-01-01 00:00:00"))) {
      long pid = sup.awaitBeatingWorker(-1, Duration.ofSeconds(20));
      await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10))
          .until(() -> sup.workerPidFromState() == pid);
      assertThat(sup.status().orElseThrow().updatedAt().toString()).startsWith("2001-01-01");
      assertThat(sup.log()).doesNotContain("worker_stalled");
    }
  }

  @Test
  void freshLookingUpdatedAtDoesNotPreventARestartWhenTheSequenceIsFrozen() throws Exception {
    TestConfig c = config("");
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(),
        Map.of("STATUS", c.dataDir().resolve("status.json").toString(), "UPDATED", "now + 1 hour", "FREEZE", "1"))) {
      await().atMost(Duration.ofSeconds(15)).until(() -> sup.log().contains("worker_restarted reason=stale"));
      assertThat(sup.stallRecords()).isNotEmpty();
    }
  }

  @Test
  void systemctlModeCapturesEvidenceThenRestartsTheUnit() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    Path worker = standIn(c);
    Path calls = dir.resolve("systemctl-calls.txt");
    // A stand-in systemctl: records its arguments, kills the unit's (frozen) worker and starts a new one.
    Path systemctl = c.script("systemctl", """
        echo "$@" >> %s
        old=$(sed -n 's/.*"pid":\\([0-9]*\\).*/\\1/p' "$STATUS")
        [ -n "$old" ] && kill -9 $old
        FREEZE= nohup /bin/sh %s > /dev/null 2>&1 &
        exit 0""".formatted(calls, worker));
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 3s, startupGrace: 5s, stopGrace: 1s, restartWith: systemctl, workerUnit: tw.service }")
        .write();
    Path status = c.dataDir().resolve("status.json");
    Process first = Supervisor.startStandInUnit(worker, status);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(),
        Map.of("STATUS", status.toString(), "TENDED_SYSTEMCTL", systemctl.toString()))) {
      long pid = sup.awaitBeatingWorker(-1, Duration.ofSeconds(20));
      assertThat(pid).isEqualTo(first.pid());
      WorkerProcess.signal(pid, "STOP");
      long fresh = sup.awaitBeatingWorker(pid, Duration.ofSeconds(15));
      assertThat(Files.readString(calls).strip()).isEqualTo("restart tw.service");
      assertThat(sup.stallRecords()).hasSize(1);
      assertThat(Files.readString(sup.stallRecords().get(0))).contains("worker_pid: " + pid);
      ProcessHandle.of(fresh).ifPresent(ProcessHandle::destroyForcibly);
    } finally {
      first.destroyForcibly();
    }
  }
}
