package dev.tended.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifiersTest {
  @Test
  void withoutNotifySocketTheNotifierSendsNothing() {
    Notifier n = Notifiers.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"));
    assertThat(n.active()).isFalse();
    assertThat(n.ready("x")).isFalse();
    assertThat(n.watchdogTimeout()).isEmpty();
  }

  @Test
  void watchdogTimeoutIsReadFromWatchdogUsecInMicroseconds() {
    assertThat(Notifiers.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000"), 42)).contains(Duration.ofSeconds(30));
  }

  @Test
  void watchdogMeantForAnotherProcessIsIgnored() {
    assertThat(Notifiers.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 42)).isEmpty();
    assertThat(Notifiers.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42)).isPresent();
  }

  @Test
  void zeroOrGarbledWatchdogUsecMeansNoWatchdog() {
    assertThat(Notifiers.watchdogTimeout(Map.of("WATCHDOG_USEC", "0"), 42)).isEmpty();
    assertThat(Notifiers.watchdogTimeout(Map.of("WATCHDOG_USEC", "soon"), 42)).isEmpty();
    assertThat(Notifiers.watchdogTimeout(Map.of(), 42)).isEmpty();
  }
}
