package dev.tended.supervisor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.testkit.RecordingNotifier;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SupervisorNotificationsTest {
  private final RecordingNotifier systemd = new RecordingNotifier(Duration.ofSeconds(30));

  @Test
  void aSupervisorThatCannotStartSaysWhyWithAnErrno() {
    SupervisorNotifications.startFailed(systemd, 11, "another supervisor is already watching /var/lib/tended");

    assertThat(systemd.lines()).containsExactly(
        "ERRNO=11", "STATUS=failed to start: another supervisor is already watching /var/lib/tended");
  }
}
