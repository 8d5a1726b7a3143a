package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.HandlerLimits;
import org.junit.jupiter.api.Test;

/** Weighing a tree's usage against {@code handler.limits}, and the detail that names both. */
class LimitCheckTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void aTreeOverItsMemoryLimitIsNamedWithTheMeasuredResidentMemory() {
    LimitCheck check = new LimitCheck(new HandlerLimits(256 * MIB, 0));

    assertThat(check.exceeded(new TreeUsage(3, 612 * MIB)))
        .contains("memory limit exceeded: 612.0 MiB resident over 256.0 MiB");
  }

  @Test
  void aTreeOverItsProcessLimitIsNamedWithTheCount() {
    LimitCheck check = new LimitCheck(new HandlerLimits(0, 256));

    assertThat(check.exceeded(new TreeUsage(257, MIB))).contains("process limit exceeded: 257 processes over 256");
  }

  @Test
  void aTreeAtItsLimitsIsWithinThem() {
    LimitCheck check = new LimitCheck(new HandlerLimits(256 * MIB, 256));

    assertThat(check.exceeded(new TreeUsage(256, 256 * MIB))).isEmpty();
    assertThat(check.exceeded(new TreeUsage(0, 0))).isEmpty();
  }

  @Test
  void aTreeOverBothIsToldItsMemory() {
    LimitCheck check = new LimitCheck(new HandlerLimits(MIB, 2));

    assertThat(check.exceeded(new TreeUsage(9, 3 * MIB / 2))).contains("memory limit exceeded: 1.5 MiB resident over 1.0 MiB");
  }

  @Test
  void withoutLimitsNothingIsEverTooMuch() {
    LimitCheck check = new LimitCheck(HandlerLimits.NONE);

    assertThat(check.any()).isFalse();
    assertThat(check.exceeded(new TreeUsage(100_000, 1L << 50))).isEmpty();
  }
}
