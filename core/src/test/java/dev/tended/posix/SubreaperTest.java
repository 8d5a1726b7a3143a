package dev.tended.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The subreaper through libc: an orphan comes to this JVM, and is reaped here once killed. */
class SubreaperTest {
  @Test
  void orphanOfAChildIsAdoptedAndReapedAfterItIsKilled() throws Exception {
    Subreaper.enable();
    assertThat(Subreaper.enabled()).isTrue();
    long orphan = startOrphan();
    long self = ProcessHandle.current().pid();
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcFs.stat(orphan).map(ProcStat::ppid).orElse(-1L) == self);
    assertThat(Subreaper.reap(orphan)).as("still running: nothing to reap").isFalse();

    Signals.toProcess(orphan, Signal.KILL);
    assertThat(Subreaper.awaitAndReap(orphan)).isTrue();
    assertThat(ProcFs.stat(orphan)).isEmpty();
  }

  @Test
  void aPidThatIsNotOurChildIsLeftAlone() throws Exception {
    Subreaper.enable();
    assertThat(Subreaper.reap(1)).isFalse();
    assertThat(Subreaper.awaitAndReap(1)).isFalse();
  }

  /** Starts {@code sleep} through a shell that exits at once, so the sleep is orphaned; returns its pid. */
  private static long startOrphan() throws IOException, InterruptedException {
    Process sh = new ProcessBuilder("sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!").start();
    String pid = new String(sh.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return Long.parseLong(pid);
  }
}
