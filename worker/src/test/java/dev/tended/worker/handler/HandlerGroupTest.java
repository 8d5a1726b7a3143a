package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a look at an attempt's group tells of its members, on a real process. */
class HandlerGroupTest {
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void eachLookShowsTheMembersAsTheyAreNowNotAsTheyWereFirstSeen() throws Exception {
    Path go = dir.resolve("go");
    Process p = new ProcessBuilder("setsid", "perl", "-e",
        "select(undef, undef, undef, 0.02) until -e $ARGV[0]; $x = 'a' x ($ARGV[1] * 1024 * 1024); sleep 60", go.toString(), "64")
        .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> ProcFs.stat(p.pid()).map(ProcStat::comm).orElse("").equals("perl"));
    HandlerGroup group = new HandlerGroup(p.pid(), "token");
    try {
      List<ProcStat> first = group.refresh();
      assertThat(first).extracting(ProcStat::pid).containsExactly(p.pid());
      assertThat(first.get(0).residentBytes()).isLessThan(32 * MIB);

      Files.createFile(go);

      await().atMost(Duration.ofSeconds(30)).until(() -> group.refresh().get(0).residentBytes() > 64 * MIB);
    } finally {
      group.stop(Duration.ZERO);
      p.waitFor();
    }
  }
}
