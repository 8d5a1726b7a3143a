package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.worker.handler.HandlerResult.Ending;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real {@code /bin/sh} handlers through {@link CommandRunner}. Linux only. */
class CommandRunnerTest {
  private static final Duration PATIENCE = Duration.ofSeconds(5);
  private static final String ITEM_JSON = "{\"id\":\"item-7\",\"text\":\"h\u00e9llo\"}\n";

  @TempDir Path tmp;
  private Path dataDir;
  private Path workDir;
  private final CommandRunner runner = new CommandRunner();
  private ExecutorService waiters;

  @BeforeEach
  void setUp() throws IOException {
    dataDir = Files.createDirectories(tmp.resolve("data"));
    workDir = Files.createDirectories(tmp.resolve("work/item-7"));
    Files.writeString(workDir.resolve("item.json"), ITEM_JSON);
    waiters = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-handler-waiter"));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    waiters.shutdownNow();
    assertThat(waiters.awaitTermination(10, TimeUnit.SECONDS)).as("waiter thread ended").isTrue();
  }

  @Test
  void stdinEnvironmentAndWorkingDirectoryReachTheHandlerAndItsExitCodeIsReported()
      throws Exception {
    Path handler = script("h.sh", """
        cat > "$TENDED_WORK_DIR/stdin.copy"
        {
          echo "source=$TENDED_SOURCE"
          echo "item=$TENDED_ITEM_ID"
          echo "attempt=$TENDED_ATTEMPT"
          echo "key=$TENDED_IDEMPOTENCY_KEY"
          echo "work=$TENDED_WORK_DIR"
          echo "cwd=$STARTED_IN"
        } > "$TENDED_WORK_DIR/seen.txt"
        echo "to stdout"
        echo "to stderr" >&2
        exit 75
        """);

    HandlerResult result = runner.start(request(handler, Duration.ofSeconds(10))).awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isEqualTo(75);
    assertThat(result.detail()).isEqualTo("exited with code 75");
    assertThat(result.stdoutTail()).isEqualTo("to stdout\n");
    assertThat(result.stderrTail()).isEqualTo("to stderr\n");
    assertThat(Files.readString(workDir.resolve("stdin.copy"))).isEqualTo(ITEM_JSON);
    assertThat(Files.readAllLines(workDir.resolve("seen.txt"))).containsExactly(
        "source=ideas",
        "item=item-7",
        "attempt=3",
        "key=ideas:item-7",
        "work=" + workDir,
        "cwd=" + dataDir.toRealPath());
    assertThat(result.finishedAt()).isAfterOrEqualTo(result.startedAt());
  }

  @Test
  void handlerLeadsItsOwnProcessGroupApartFromTheWorkers() throws Exception {
    Path handler = script("h.sh", """
        set -- $(cat /proc/$$/stat)
        echo "$1 $5 $6"
        """);

    RunningHandler running = runner.start(request(handler, Duration.ofSeconds(10)));
    HandlerResult result = running.awaitResult();

    String[] pidPgidSid = result.stdoutTail().trim().split(" ");
    long pid = running.pid();
    assertThat(Long.parseLong(pidPgidSid[0])).as("pid seen by the handler").isEqualTo(pid);
    assertThat(Long.parseLong(pidPgidSid[1])).as("its process group").isEqualTo(pid);
    assertThat(Long.parseLong(pidPgidSid[2])).as("its session").isEqualTo(pid);
    assertThat(Procs.pgid(ProcessHandle.current().pid())).as("the JVM's group").isNotEqualTo(pid);
  }

  @Test
  void handlerThatOutlivesItsTimeoutIsStoppedWithItsChildren() throws Exception {
    Path handler = script("h.sh", """
        sleep 60 &
        echo $! > plain-child.pid
        sh -c 'trap "" TERM; while :; do sleep 1; done' &
        echo $! > stubborn-child.pid
        trap '' TERM
        echo $$ > handler.pid
        while :; do sleep 1; done
        """);
    HandlerRequest request = request(handler, Duration.ofSeconds(1), Duration.ofMillis(300), 65536);

    long startedNanos = System.nanoTime();
    RunningHandler running = runner.start(request);
    HandlerResult result = running.awaitResult();
    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);

    assertThat(result.ending()).isEqualTo(Ending.TIMED_OUT);
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.detail()).startsWith("timed out after 1s").contains("SIGKILL after 300ms");
    assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(took).isLessThan(Duration.ofSeconds(4));
    List<Long> pids = List.of(readPid("handler.pid"), readPid("plain-child.pid"),
        readPid("stubborn-child.pid"));
    assertThat(pids).first().isEqualTo(running.pid());
    assertThat(pids).noneMatch(Procs::isRunning);
    assertThat(Procs.runningInGroup(running.pid())).isEmpty();
  }

  @Test
  void handlerThatExitsWhileItsBackgroundChildHoldsStdoutReturnsPromptly() throws Exception {
    Path handler = script("h.sh", """
        sleep 60 &
        echo $! > child.pid
        echo done
        exit 0
        """);
    HandlerRequest request = request(handler, Duration.ofSeconds(30), Duration.ofSeconds(2), 65536);

    long startedNanos = System.nanoTime();
    RunningHandler running = runner.start(request);
    HandlerResult result = running.awaitResult();
    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);

    assertThat(result.ending()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdoutTail()).isEqualTo("done\n");
    assertThat(result.detail()).isEqualTo("exited with code 0; stopped 1 leftover process");
    assertThat(took).isLessThan(Duration.ofSeconds(3));
    assertThat(Procs.isRunning(readPid("child.pid"))).isFalse();
    assertThat(Procs.runningInGroup(running.pid())).isEmpty();
  }

  @Test
  void theOutputOfHandlersThatEndAtOnceIsKeptEveryTime() throws Exception {
    // The end of the output (every write end closed) must never be seen before the handler opened its
    // own: a pump that opened its FIFO while a copy of the waiter's write end still existed used to.
    Path handler = script("quick.sh", """
        echo out
        echo err >&2
        exit 75
        """);
    HandlerRequest request = request(handler, Duration.ofSeconds(30));
    List<String> lost = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      HandlerResult result = runner.start(request).awaitResult();
      if (!result.stdoutTail().equals("out\n") || !result.stderrTail().equals("err\n")) {
        lost.add(i + ": stdout=" + result.stdoutTail().strip() + " stderr=" + result.stderrTail().strip());
      }
    }

    assertThat(lost).as("attempts whose output was lost").isEmpty();
  }

  @Test
  void outputWrittenAfterTheTimeoutDecisionIsNotKept() throws Exception {
    Path termed = tmp.resolve("termed.marker");
    Path handler = script("h.sh", """
        trap 'echo written-after-term; echo stderr-after-term >&2; echo x > "%s"; exit 3' TERM
        echo written-before-timeout
        sleep 60 &
        wait
        """.formatted(termed));

    HandlerRequest request = request(handler, Duration.ofSeconds(1), Duration.ofSeconds(2), 65536);
    HandlerResult result = runner.start(request).awaitResult();

    assertThat(termed).as("the handler wrote after SIGTERM").exists();
    assertThat(result.ending()).isEqualTo(Ending.TIMED_OUT);
    assertThat(result.stdoutTail()).isEqualTo("written-before-timeout\n");
    assertThat(result.stderrTail()).isEmpty();
    assertThat(Files.readString(request.stdoutFile())).isEqualTo("written-before-timeout\n");
    assertThat(Files.readString(request.stderrFile())).isEmpty();
  }

  @Test
  void outputOfALeftoverChildAfterTheHandlerExitedIsNotKept() throws Exception {
    Path termed = tmp.resolve("child-termed.marker");
    Path ready = tmp.resolve("child-ready.marker");
    Path handler = script("h.sh", """
        (
          trap 'echo x > "%1$s"; echo child-after-exit; exit 0' TERM
          echo x > "%2$s"
          sleep 60 &
          wait
        ) &
        while [ ! -e "%2$s" ]; do sleep 0.01; done
        echo handler-done
        """.formatted(termed, ready));

    HandlerRequest request = request(handler, Duration.ofSeconds(30), Duration.ofSeconds(2), 65536);
    HandlerResult result = runner.start(request).awaitResult();

    assertThat(termed).as("the child wrote after SIGTERM").exists();
    assertThat(result.ending()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(Files.readString(request.stdoutFile())).isEqualTo("handler-done\n");
    assertThat(result.stdoutTail()).isEqualTo("handler-done\n");
  }

  @Test
  void outputBeyondTheBoundKeepsOnlyItsEnd() throws Exception {
    long max = 64 * 1024;
    int lines = linesFilling(10 * max);
    Path handler = script("h.sh", "seq 1 " + lines + "\n");

    HandlerRequest request = request(handler, Duration.ofSeconds(10), Duration.ofSeconds(1), max);
    HandlerResult result = runner.start(request).awaitResult();

    String expected = numberLines(lines);
    String kept = Files.readString(request.stdoutFile());
    assertThat((long) kept.length()).isLessThanOrEqualTo(max).isGreaterThan(max / 2);
    assertThat(expected).endsWith(kept);
    assertThat(result.stdoutTail()).isEqualTo(expected.substring(expected.length() - 4096));
    assertThat(result.detail()).contains("stdout trimmed, " + (expected.length() - kept.length())
        + " earlier bytes dropped");
  }

  /**
   * A handler writing as fast as it can (hundreds of MiB in a few seconds) never makes its files
   * pass the bound, not even for a moment: sampled while it runs.
   */
  @Test
  void outputWrittenAsFastAsPossibleNeverMakesTheFilesLargerThanTheBound() throws Exception {
    long max = 64 * 1024;
    long bulk = 256L * 1024 * 1024;
    Path handler = script("h.sh", """
        yes | head -c %1$d
        echo last-line
        yes err | head -c %1$d >&2
        echo last-err >&2
        exit 0
        """.formatted(bulk));
    HandlerRequest request = request(handler, Duration.ofSeconds(120), Duration.ofSeconds(1), max);
    RunningHandler running = runner.start(request);
    Future<HandlerResult> waiting = waiters.submit(running::awaitResult);

    long largest = 0;
    while (!waiting.isDone()) {
      largest = Math.max(largest, Math.max(sizeOf(request.stdoutFile()), sizeOf(request.stderrFile())));
    }
    HandlerResult result = waiting.get();

    assertThat(largest).as("largest size seen while it ran").isLessThanOrEqualTo(max);
    assertThat(Files.size(request.stdoutFile())).isLessThanOrEqualTo(max);
    assertThat(Files.size(request.stderrFile())).isLessThanOrEqualTo(max);
    assertThat(result.ending()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdoutTail()).endsWith("y\ny\nlast-line\n").hasSize(4096);
    assertThat(result.stderrTail()).endsWith("err\nlast-err\n");
    long keptOut = Files.size(request.stdoutFile());
    assertThat(result.detail()).contains("stdout trimmed, " + (bulk + "last-line\n".length() - keptOut)
        + " earlier bytes dropped");
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  @Test
  void outputIsBoundedWhileTheHandlerStillRuns() throws Exception {
    long max = 64 * 1024;
    int lines = linesFilling(10 * max);
    Path wrote = tmp.resolve("wrote.marker");
    Path handler = script("h.sh", """
        seq 1 %d
        echo x > "%s"
        sleep 60 &
        wait
        """.formatted(lines, wrote));
    HandlerRequest request = request(handler, Duration.ofSeconds(30), Duration.ofSeconds(1), max);
    RunningHandler running = runner.start(request);
    Future<HandlerResult> result = waiters.submit(running::awaitResult);

    await().atMost(PATIENCE).until(() -> Files.exists(wrote));
    await().atMost(PATIENCE).until(() -> Files.size(request.stdoutFile()) <= max);

    assertThat(Procs.isRunning(running.pid())).as("handler still running").isTrue();
    assertThat(numberLines(lines)).as("nothing lost while trimming")
        .endsWith(Files.readString(request.stdoutFile()));
    running.cancel();
    assertThat(result.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).ending())
        .isEqualTo(Ending.CANCELLED);
  }

  @Test
  void cancelStopsARunningHandlerPromptlyWithItsChildren() throws Exception {
    Path handler = script("h.sh", """
        sleep 60 &
        echo $! > child.pid
        echo $$ > handler.pid
        wait
        """);
    HandlerRequest request = request(handler, Duration.ofSeconds(30), Duration.ofSeconds(5), 65536);
    RunningHandler running = runner.start(request);
    Future<HandlerResult> waiting = waiters.submit(running::awaitResult);
    long handlerPid = readPid("handler.pid");
    long childPid = readPid("child.pid");

    long cancelledNanos = System.nanoTime();
    running.cancel();
    HandlerResult result = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - cancelledNanos);

    assertThat(result.ending()).isEqualTo(Ending.CANCELLED);
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.detail()).startsWith("cancelled after").doesNotContain("SIGKILL");
    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(Procs.isRunning(handlerPid)).isFalse();
    assertThat(Procs.isRunning(childPid)).isFalse();
    assertThat(running.awaitResult()).as("same result again").isSameAs(result);
  }

  @Test
  void interruptingTheWaitingThreadStopsTheHandler() throws Exception {
    Path handler = script("h.sh", """
        echo $$ > handler.pid
        sleep 60 &
        wait
        """);
    HandlerRequest request = request(handler, Duration.ofSeconds(30), Duration.ofSeconds(5), 65536);
    RunningHandler running = runner.start(request);
    Future<HandlerResult> waiting = waiters.submit(running::awaitResult);
    long handlerPid = readPid("handler.pid");

    waiting.cancel(true);
    HandlerResult result = running.awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.CANCELLED);
    assertThat(result.detail()).contains("interrupted");
    assertThat(Procs.isRunning(handlerPid)).isFalse();
  }

  @Test
  void aHandlerEnvironmentWhosePathHoldsNoToolsStillRunsUnderItsWaiter() throws Exception {
    Path handler = script("h.sh", "echo ran\nexit 4\n");
    HandlerRequest r = request(handler, Duration.ofSeconds(10));
    Map<String, String> env = new java.util.HashMap<>(r.environment());
    env.put("PATH", tmp.resolve("no-tools-here").toString());
    HandlerRequest oddPath = new HandlerRequest(r.command(), env, r.workingDir(), r.stdinFile(), r.stdoutFile(),
        r.stderrFile(), r.timeout(), r.killGrace(), r.maxOutputBytes());

    HandlerResult result = runner.start(oddPath).awaitResult();

    assertThat(result.ending()).as(result.detail()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.stdoutTail()).isEqualTo("ran\n");
  }

  @Test
  void programThatDoesNotExistFailsToStartWithoutException() throws Exception {
    HandlerRequest missing = request(tmp.resolve("no-such-handler.sh"), Duration.ofSeconds(5));
    RunningHandler running = runner.start(missing);
    HandlerResult result = running.awaitResult();

    assertThat(running.pid()).isEqualTo(-1);
    assertThat(result.ending()).isEqualTo(Ending.FAILED_TO_START);
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.detail()).isEqualTo("cannot start: no such file: " + missing.command().get(0));
  }

  @Test
  void programNotOnThePathFailsToStart() throws Exception {
    HandlerRequest request = withCommand(request(tmp.resolve("x"), Duration.ofSeconds(5)),
        List.of("tended-no-such-program-anywhere"));

    HandlerResult result = runner.start(request).awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.FAILED_TO_START);
    assertThat(result.detail()).isEqualTo(
        "cannot start: not found on PATH: tended-no-such-program-anywhere");
  }

  @Test
  void anIdTooBigForTheEnvironmentIsTheItemsFaultNotTheProgramsFailure() throws Exception {
    Path handler = script("ok.sh", "exit 0\n");
    for (String id : List.of("l".repeat(150_000), "é".repeat(70_000))) {
      HandlerRequest r = request(handler, Duration.ofSeconds(5));
      Map<String, String> env = new java.util.HashMap<>(r.environment());
      env.put("TENDED_ITEM_ID", id);
      HandlerRequest tooBig = new HandlerRequest(r.command(), env, r.workingDir(), r.stdinFile(), r.stdoutFile(),
          r.stderrFile(), r.timeout(), r.killGrace(), r.maxOutputBytes());

      HandlerResult result = runner.start(tooBig).awaitResult();

      assertThat(result.ending()).as(result.detail()).isEqualTo(Ending.ITEM_NOT_PASSABLE);
      assertThat(result.detail()).contains("Argument list too long");
    }
  }

  @Test
  void fileThatIsNotExecutableFailsToStart() throws Exception {
    Path handler = Files.writeString(tmp.resolve("plain.sh"), "exit 0\n");

    HandlerResult result = runner.start(request(handler, Duration.ofSeconds(5))).awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.FAILED_TO_START);
    assertThat(result.detail()).startsWith("cannot start: not executable:");
  }

  @Test
  void scriptWhoseInterpreterIsMissingFailsToStart() throws Exception {
    Path handler = tmp.resolve("bad-interpreter.sh");
    Files.writeString(handler, "#!/nonexistent/tended-interpreter\nexit 0\n");
    Files.setPosixFilePermissions(handler, PosixFilePermissions.fromString("rwx------"));

    RunningHandler running = runner.start(request(handler, Duration.ofSeconds(5)));
    HandlerResult result = running.awaitResult();

    assertThat(running.pid()).as("setsid itself started").isPositive();
    assertThat(result.ending()).isEqualTo(Ending.FAILED_TO_START);
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.detail()).startsWith("cannot start: failed to execute")
        .contains("bad-interpreter.sh");
  }

  private Path script(String name, String body) throws IOException {
    Path file = tmp.resolve(name);
    // Scripts note where they were started, then write their marker files in the test folder.
    Files.writeString(file, "#!/bin/sh\nSTARTED_IN=$(pwd -P)\ncd '" + tmp + "' || exit 99\n" + body,
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private HandlerRequest request(Path program, Duration timeout) {
    return request(program, timeout, Duration.ofSeconds(1), 65536);
  }

  private HandlerRequest request(Path program, Duration timeout, Duration grace, long max) {
    return new HandlerRequest(
        List.of(program.toString()),
        Map.of(
            "TENDED_SOURCE", "ideas",
            "TENDED_ITEM_ID", "item-7",
            "TENDED_ATTEMPT", "3",
            "TENDED_IDEMPOTENCY_KEY", "ideas:item-7",
            "TENDED_WORK_DIR", workDir.toString()),
        dataDir,
        workDir.resolve("item.json"),
        workDir.resolve("attempt-3.stdout"),
        workDir.resolve("attempt-3.stderr"),
        timeout,
        grace,
        max);
  }

  private static HandlerRequest withCommand(HandlerRequest r, List<String> command) {
    return new HandlerRequest(command, r.environment(), r.workingDir(), r.stdinFile(),
        r.stdoutFile(), r.stderrFile(), r.timeout(), r.killGrace(), r.maxOutputBytes());
  }

  /** Waits for a handler script to have written its pid file, then reads it. */
  private long readPid(String name) {
    Path file = tmp.resolve(name);
    await().atMost(PATIENCE).until(() -> Files.exists(file) && Files.readString(file).endsWith("\n"));
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int linesFilling(long bytes) {
    int n = 0;
    long size = 0;
    while (size < bytes) {
      n++;
      size += Integer.toString(n).length() + 1;
    }
    return n;
  }

  private static String numberLines(int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      s.append(i).append('\n');
    }
    return s.toString();
  }
}
