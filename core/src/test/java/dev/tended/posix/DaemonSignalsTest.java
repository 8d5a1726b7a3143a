package dev.tended.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonSignalsTest {
  @Test
  void sigusr2IsTheDaemonsOnlyWhenTheJvmsSuspendSignalWasMovedOffIt() {
    assertThat(DaemonSignals.usr2IsFree(Map.of())).isFalse();
    assertThat(DaemonSignals.usr2IsFree(Map.of(DaemonSignals.SR_SIGNUM_VARIABLE, ""))).isFalse();
    assertThat(DaemonSignals.usr2IsFree(Map.of(DaemonSignals.SR_SIGNUM_VARIABLE, "12"))).isFalse();
    assertThat(DaemonSignals.usr2IsFree(Map.of(DaemonSignals.SR_SIGNUM_VARIABLE, "40"))).isTrue();
  }
}
