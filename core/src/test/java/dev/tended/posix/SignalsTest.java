package dev.tended.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Signals to real processes and groups started by the test, and the targets that are refused. */
class SignalsTest {
  private Process started;

  @AfterEach
  void tearDown() throws InterruptedException {
    Spawned.stop(started);
  }

  @Test
  void signalReachesTheProcessAndAGoneOneIsReportedNotThrown() throws Exception {
    started = new ProcessBuilder("sleep", "30").start();
    assertThat(Signals.toProcess(started.pid(), Signal.TERM)).isTrue();
    assertThat(started.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(started.exitValue()).isEqualTo(128 + Signal.TERM.number());
    assertThat(Signals.toProcess(started.pid(), Signal.TERM)).isFalse();
  }

  @Test
  void stoppedProcessIsContinuedByCont() throws Exception {
    started = new ProcessBuilder("sleep", "30").start();
    Signals.toProcess(started.pid(), Signal.STOP);
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcFs.stat(started.pid()).map(ProcStat::stopped).orElse(false));
    Signals.toProcess(started.pid(), Signal.CONT);
    await().atMost(Duration.ofSeconds(10)).until(() -> !ProcFs.stat(started.pid()).map(ProcStat::stopped).orElse(true));
  }

  @Test
  void groupSignalReachesEveryMemberEvenAfterItsLeaderHasExited() throws IOException {
    // setsid: the shell leads a new group; its two sleeps stay in it after it exits
    started = new ProcessBuilder("setsid", "sh", "-c", "sleep 30 & sleep 30 & echo started").start();
    long pgid = started.pid();
    await().atMost(Duration.ofSeconds(10)).until(() -> members(pgid) == 2 && !ProcFs.running(pgid));
    assertThat(Signals.toGroup(pgid, Signal.KILL)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> members(pgid) == 0);
  }

  @Test
  void initEveryoneAndThisJvmAreNeverSignalled() {
    long self = ProcessHandle.current().pid();
    long ownGroup = ProcFs.self().orElseThrow().pgrp();
    assertThatThrownBy(() -> Signals.toProcess(1, Signal.KILL)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Signals.toProcess(self, Signal.KILL)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Signals.toGroup(1, Signal.KILL)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Signals.toGroup(0, Signal.KILL)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Signals.toGroup(ownGroup, Signal.KILL)).isInstanceOf(IllegalArgumentException.class);
  }

  private static long members(long pgid) {
    return ProcFs.table().all().stream().filter(p -> p.running() && p.pgrp() == pgid).count();
  }
}
