package dev.tended.supervisor.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertCommandTest {
  @TempDir Path dir;

  private static final Notification DEAD = new Notification(new AlertKey(Alert.ITEM_DEAD, "ideas"),
      Notification.FIRING, "1 item is dead;\nthe newest: i1", Instant.parse("2026-12-02T06:00:00Z"), 0, null);

  private AlertCommand command(Path script, Duration timeout) {
    return new AlertCommand(List.of(script.toString(), "an argument"), timeout, "host-1", dir.resolve("stderr"));
  }

  @Test
  void commandGetsTheAlertInItsEnvironmentItsArgvAndTheSummaryOnStdin() throws Exception {
    Path out = dir.resolve("out");
    Path script = TestConfig.executable(dir.resolve("alert.sh"), "#!/bin/sh\n"
        + "{ echo \"argv=$1\"; echo \"alert=$TENDED_ALERT\"; echo \"state=$TENDED_ALERT_STATE\";"
        + " echo \"source=$TENDED_ALERT_SOURCE\"; echo \"detail=$TENDED_ALERT_DETAIL\"; echo \"host=$TENDED_ALERT_HOST\";"
        + " echo \"stdin=$(cat)\"; } > " + out + "\n");
    AlertCommand.Outcome o = command(script, Duration.ofSeconds(20)).run(DEAD);
    assertThat(o.ok()).isTrue();
    assertThat(Files.readAllLines(out)).containsExactly("argv=an argument", "alert=item_dead", "state=firing",
        "source=ideas", "detail=1 item is dead; the newest: i1", "host=host-1",
        "stdin=tended item_dead firing on host-1 source ideas: 1 item is dead; the newest: i1");
  }

  @Test
  void commandThatHangsIsKilledWithWhatItStartedAfterTheTimeout() throws Exception {
    Path pidFile = dir.resolve("sleep.pid");
    Path script = TestConfig.executable(dir.resolve("hang.sh"), "#!/bin/sh\nsleep 1000 &\necho $! > " + pidFile
        + "\nwait\n");
    long start = System.nanoTime();
    AlertCommand.Outcome o = command(script, Duration.ofMillis(500)).run(DEAD);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(o.ok()).isFalse();
    assertThat(o.failure()).isEqualTo("timed out after 500 ms (killed)");
    assertThat(tookMs).isLessThan(5_000);
    long sleepPid = Long.parseLong(Files.readString(pidFile).strip());
    await().atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(sleepPid).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void nonZeroExitIsAFailureQuotingItsLastErrorLine() throws Exception {
    Path script = TestConfig.executable(dir.resolve("fail.sh"), "#!/bin/sh\ncat > /dev/null\n"
        + "echo 'sendmail: first' >&2\necho 'sendmail: cannot connect' >&2\n\nexit 3\n");
    AlertCommand.Outcome o = command(script, Duration.ofSeconds(20)).run(DEAD);
    assertThat(o.failure()).isEqualTo("exit 3: sendmail: cannot connect");
  }

  @Test
  void programThatCannotStartIsAFailure() throws Exception {
    AlertCommand.Outcome o = command(dir.resolve("missing"), Duration.ofSeconds(20)).run(DEAD);
    assertThat(o.failure()).startsWith("cannot start " + dir.resolve("missing"));
  }
}
