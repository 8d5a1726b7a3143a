package dev.tended.supervisor.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertSenderTest {
  @TempDir Path dir;

  @Test
  void failedRunIsRetriedAfterABackoffAndThenDeliveredInOrder() throws Exception {
    Path log = dir.resolve("sent");
    Path failOnce = dir.resolve("fail-once");
    Files.writeString(failOnce, "");
    // fails the first run (removing its marker), then appends each alert it is given
    Path script = TestConfig.executable(dir.resolve("alert.sh"), "#!/bin/sh\n"
        + "if [ -e " + failOnce + " ]; then rm " + failOnce + "; exit 1; fi\n"
        + "echo \"$TENDED_ALERT $TENDED_ALERT_STATE\" >> " + log + "\n");
    AlertBook book = AlertBook.load(dir.resolve("alerts-state.json"), Duration.ofHours(4), true);
    Instant now = Instant.now();
    book.apply(new Judgement(EnumSet.allOf(Alert.class), List.of(new Condition(AlertKey.of(Alert.DISK_LOW), "low", ""),
        new Condition(AlertKey.of(Alert.LEDGER_DAMAGED), "damaged", ""))), now);
    AlertSender sender = new AlertSender(book, new AlertCommand(List.of(script.toString()), Duration.ofSeconds(20),
        "h", dir.resolve("stderr")), Clock.systemUTC(), Duration.ofMillis(200), Duration.ofSeconds(1),
        Duration.ofSeconds(5));
    sender.start();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> book.outbox().isEmpty());
    } finally {
      sender.stop();
    }
    assertThat(Files.readAllLines(log)).containsExactly("disk_low firing", "ledger_damaged firing");
    assertThat(Files.exists(failOnce)).isFalse();
  }

  @Test
  void retryDelayDoublesUpToItsMaximum() {
    AlertSender sender = new AlertSender(AlertBook.load(dir.resolve("s.json"), Duration.ofHours(4), true),
        new AlertCommand(List.of("/bin/true"), Duration.ofSeconds(1), "h", dir.resolve("e")), Clock.systemUTC(),
        Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(1));
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 20).stream().map(sender::delayAfter).map(Duration::toSeconds).toList())
        .containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
  }
}
