package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.worker.handler.HandlerResult.Ending;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handlers that try to leave processes behind (daemons, double forks in a TERM trap, a tree that
 * forks while it is stopped), run for real through {@link CommandRunner}: once the result exists, no
 * process carrying the attempt's marker runs. Linux only.
 */
class EscapingHandlersTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path tmp;
  private Path workDir;
  private final CommandRunner runner = new CommandRunner();
  private final List<String> tokens = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    workDir = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(workDir.resolve("item.json"), "{}\n");
  }

  @AfterEach
  void killWhatATestLeft() {
    tokens.forEach(Procs::killAllWithMarker);
  }

  @Test
  void aDaemonStartedWithSetsidIsStoppedWhenItsHandlerExits() throws Exception {
    HandlerResult result = run("""
        setsid -f sh -c 'echo $$ > escaped.pid; exec sleep 1000'
        while [ ! -s escaped.pid ]; do sleep 0.01; done
        exit 0
        """, Duration.ofSeconds(30));

    assertThat(result.ending()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(result.detail()).contains("stopped 1 leftover process");
    assertNothingLeft("escaped.pid");
  }

  @Test
  void aNohupChildInTheBackgroundIsStoppedWhenItsHandlerExits() throws Exception {
    HandlerResult result = run("""
        nohup sh -c 'echo $$ > escaped.pid; exec sleep 1000' > /dev/null 2>&1 &
        while [ ! -s escaped.pid ]; do sleep 0.01; done
        exit 0
        """, Duration.ofSeconds(30));

    assertThat(result.exitCode()).isZero();
    assertNothingLeft("escaped.pid");
  }

  @Test
  void aDoubleForkDuringTheKillGraceIsStoppedToo() throws Exception {
    HandlerResult result = run("""
        trap '(setsid sh -c "trap \\"\\" TERM; echo \\$\\$ > escaped.pid; exec sleep 1000" &); \
        while [ ! -s escaped.pid ]; do sleep 0.01; done; exit 0' TERM
        while :; do sleep 1; done
        """, Duration.ofSeconds(1));

    assertThat(result.ending()).isEqualTo(Ending.TIMED_OUT);
    assertNothingLeft("escaped.pid");
  }

  /** Seen in the handler's group first, it leaves it later (the same pid): it is signalled by its pid. */
  @Test
  void aChildThatLeavesTheGroupAfterItWasSeenIsStoppedToo() throws Exception {
    HandlerResult result = run("""
        (sleep 1; exec setsid sh -c 'trap "" TERM; echo $$ > escaped.pid; exec sleep 1000') &
        while [ ! -s escaped.pid ]; do sleep 0.01; done
        exit 0
        """, Duration.ofSeconds(30));

    assertThat(result.exitCode()).isZero();
    assertNothingLeft("escaped.pid");
  }

  @Test
  void aDaemonThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    HandlerResult result = run("""
        setsid -f sh -c 'trap "" TERM; echo $$ > escaped.pid; while :; do sleep 1; done'
        while [ ! -s escaped.pid ]; do sleep 0.01; done
        trap '' TERM
        while :; do sleep 1; done
        """, Duration.ofSeconds(1));

    assertThat(result.ending()).isEqualTo(Ending.TIMED_OUT);
    assertThat(result.detail()).contains("SIGKILL after 300ms");
    assertNothingLeft("escaped.pid");
  }

  /**
   * A bounded fork storm (five spawners starting 60 daemons each, as fast as they can, still at it
   * when the timeout stops them) leaves nothing, and the next attempt starts. Bounded by count, not
   * by {@code ulimit -u}: root, which runs the tests here, is exempt from RLIMIT_NPROC.
   */
  @Test
  void aTreeThatForksWhileItIsStoppedLeavesNothingAndTheNextAttemptRuns() throws Exception {
    HandlerResult storm = run("""
        for k in 1 2 3 4 5; do
          setsid -f sh -c 'i=0; while [ $i -lt 60 ]; do setsid -f sleep 1000; i=$((i+1)); done'
        done
        echo x > escaped.pid
        while :; do sleep 1; done
        """, Duration.ofMillis(500));

    assertThat(storm.ending()).isEqualTo(Ending.TIMED_OUT);
    assertThat(Procs.runningWithMarker(lastToken())).isEmpty();

    HandlerResult next = run("echo next > next.out\nexit 0\n", Duration.ofSeconds(30));
    assertThat(next.ending()).isEqualTo(Ending.EXITED);
    assertThat(next.exitCode()).isZero();
  }

  @Test
  void aStartThatFailsForWantOfProcessesIsTriedAgainAndRuns() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    CommandRunner shortOfProcesses = new CommandRunner(Clock.systemUTC(), b -> {
      if (tries.incrementAndGet() <= 2) {
        throw new IOException("Cannot run program \"setsid\": error=11, Resource temporarily unavailable");
      }
      return b.start();
    });

    HandlerResult result = shortOfProcesses.start(request(script("exit 0\n"), Duration.ofSeconds(30)))
        .awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(tries).hasValue(3);
  }

  @Test
  void aStartThatNeverGetsAProcessFailsAfterItsRetries() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    CommandRunner noProcesses = new CommandRunner(Clock.systemUTC(), b -> {
      tries.incrementAndGet();
      throw new IOException("Cannot run program \"setsid\": error=11, Resource temporarily unavailable");
    });

    HandlerResult result = noProcesses.start(request(script("exit 0\n"), Duration.ofSeconds(30))).awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.FAILED_TO_START);
    assertThat(result.detail()).contains("Resource temporarily unavailable");
    assertThat(tries.get()).isGreaterThan(1);
  }

  /** Runs {@code body} as a handler that first writes its marker to {@code token}, and waits for its result. */
  private HandlerResult run(String body, Duration timeout) throws Exception {
    Files.deleteIfExists(tmp.resolve("token"));
    Files.deleteIfExists(tmp.resolve("escaped.pid"));
    Path handler = script("echo \"$TENDED_ATTEMPT_TOKEN\" > token\n" + body);
    RunningHandler running = runner.start(request(handler, timeout));
    await().atMost(PATIENCE).until(() -> Files.exists(tmp.resolve("token")) && Files.size(tmp.resolve("token")) > 1);
    tokens.add(lastToken());
    return running.awaitResult();
  }

  private String lastToken() throws IOException {
    return Files.readString(tmp.resolve("token")).strip();
  }

  private void assertNothingLeft(String pidFile) throws IOException {
    long escaped = Long.parseLong(Files.readString(tmp.resolve(pidFile)).strip());
    assertThat(Procs.isRunning(escaped)).as("the escaped process %d", escaped).isFalse();
    assertThat(Procs.runningWithMarker(lastToken())).as("processes with the attempt's marker").isEmpty();
  }

  private Path script(String body) throws IOException {
    Path file = Files.createTempFile(tmp, "h", ".sh");
    Files.writeString(file, "#!/bin/sh\ncd '" + tmp + "' || exit 99\n" + body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private HandlerRequest request(Path program, Duration timeout) {
    return new HandlerRequest(List.of(program.toString()), Map.of("TENDED_WORK_DIR", workDir.toString()), tmp,
        workDir.resolve("item.json"), workDir.resolve("attempt-1.stdout"), workDir.resolve("attempt-1.stderr"),
        timeout, Duration.ofMillis(300), 65536);
  }
}
