package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.HandlerLimits;
import dev.tended.posix.OomKills;
import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.worker.handler.AttemptGuard.Breach;
import dev.tended.worker.handler.HandlerResult.Ending;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attempt's periodic decision (limits, then progress) on trees as {@code /proc} shows them, and
 * the OOM note of a handler killed by SIGKILL, with a counter the test moves.
 */
class AttemptGuardTest {
  private static final long START = 5_000_000_000L;
  private static final long SECOND = Duration.ofSeconds(1).toNanos();
  private static final long MIB = 1024 * 1024;
  private static final Path OOM_FILE = Path.of("/sys/fs/cgroup/system.slice/tended.service/memory.events");

  @TempDir Path dir;
  private final AtomicLong oomKills = new AtomicLong(4);

  private HandlerRequest request(Duration progressTimeout, HandlerLimits limits) {
    return new HandlerRequest(List.of("true"), Map.of(), dir, dir.resolve("in"), dir.resolve("out"),
        dir.resolve("err"), Duration.ofMinutes(1), Duration.ofSeconds(1), 1024, "token", null, progressTimeout, limits);
  }

  private AttemptGuard guard(Duration progressTimeout, HandlerLimits limits) {
    return new AttemptGuard(42, request(progressTimeout, limits), () -> 0, START,
        () -> Optional.of(new OomKills.Count(oomKills.get(), OOM_FILE)));
  }

  /** {@code n} processes of {@code mib} MiB resident each. */
  private static List<ProcStat> tree(int n, long mib) {
    List<ProcStat> out = new ArrayList<>();
    LongStream.range(0, n).forEach(i -> out.add(new ProcStat(1000 + i, "perl", 'R', 999, 1000, 0, 0, 5000,
        mib * MIB / ProcFs.pageSize())));
    return out;
  }

  @Test
  void aTreeOverItsMemoryLimitEndsTheAttemptAsLimitExceeded() {
    AttemptGuard g = guard(Duration.ZERO, new HandlerLimits(256 * MIB, 0));

    assertThat(g.check(tree(2, 100), START)).isEmpty();
    assertThat(g.check(tree(2, 306), START + SECOND))
        .contains(new Breach(Ending.LIMIT_EXCEEDED, "memory limit exceeded: 612.0 MiB resident over 256.0 MiB"));
  }

  @Test
  void aTreeWithTooManyProcessesEndsTheAttemptAsLimitExceeded() {
    AttemptGuard g = guard(Duration.ZERO, new HandlerLimits(0, 256));

    assertThat(g.check(tree(256, 1), START)).isEmpty();
    assertThat(g.check(tree(257, 1), START))
        .contains(new Breach(Ending.LIMIT_EXCEEDED, "process limit exceeded: 257 processes over 256"));
  }

  @Test
  void aStalledHandlerEndsTheAttemptAsNoProgress() {
    AttemptGuard g = guard(Duration.ofSeconds(2), HandlerLimits.NONE);

    assertThat(g.check(tree(1, 1), START + SECOND)).isEmpty();
    assertThat(g.check(tree(1, 1), START + 2 * SECOND)).contains(new Breach(Ending.NO_PROGRESS, "no progress for 2s"));
  }

  @Test
  void aLimitIsCheckedMoreOftenThanProgress() {
    assertThat(guard(Duration.ofSeconds(2), HandlerLimits.NONE).checkEveryNanos())
        .isEqualTo(AttemptGuard.CHECK_EVERY.toNanos());
    assertThat(guard(Duration.ZERO, new HandlerLimits(0, 10)).checkEveryNanos())
        .isEqualTo(AttemptGuard.LIMITED_CHECK_EVERY.toNanos());
  }

  @Test
  void withoutLimitsOrProgressTimeoutNothingIsEverStopped() {
    AttemptGuard g = guard(Duration.ZERO, HandlerLimits.NONE);

    assertThat(g.check(tree(5000, 1000), START + 1_000_000 * SECOND)).isEmpty();
  }

  @Test
  void aHandlerKilledBySigkillWhileTheOomKillerActedIsSaidToBeItsVictim() {
    AttemptGuard g = guard(Duration.ZERO, HandlerLimits.NONE);

    oomKills.incrementAndGet();

    assertThat(g.exitNote(137)).isEqualTo(" (SIGKILL): killed by the kernel's OOM killer (1 OOM kill in the"
        + " worker's cgroup during the attempt, " + OOM_FILE + ")");
  }

  @Test
  void aSigkillWithoutAnOomKillSaysNothingMore() {
    AttemptGuard g = guard(Duration.ZERO, HandlerLimits.NONE);

    assertThat(g.exitNote(137)).isEmpty();
  }

  @Test
  void anotherEndingDuringAnOomKillSaysNothingMore() {
    AttemptGuard g = guard(Duration.ZERO, HandlerLimits.NONE);

    oomKills.incrementAndGet();

    assertThat(g.exitNote(1)).isEmpty();
    assertThat(g.exitNote(143)).isEmpty();
  }

  @Test
  void whereThereIsNoCounterASigkillIsOnlyASignal() {
    AttemptGuard g = new AttemptGuard(42, request(Duration.ZERO, HandlerLimits.NONE), () -> 0, START, Optional::empty);

    assertThat(g.exitNote(137)).isEmpty();
  }
}
