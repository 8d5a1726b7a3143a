package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.HandlerRecord;
import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import dev.tended.worker.handler.HandlerResult.Ending;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handlers let go by one {@link CommandRunner} ({@link RunningHandler#detach}) and taken over by
 * another ({@link CommandRunner#adopt}), with real processes, as a worker hand-over or crash does.
 * Linux only.
 */
class HandlerAdoptionTest {
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @TempDir Path tmp;
  private Path workDir;
  private final CommandRunner first = new CommandRunner();
  private final CommandRunner second = new CommandRunner();
  private final List<HandlerRequest> started = new ArrayList<>();
  private final List<Process> others = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    workDir = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(workDir.resolve("item.json"), "{}\n");
  }

  @AfterEach
  void killWhatATestLeft() {
    started.forEach(r -> Procs.killAllWithMarker(r.token()));
    for (HandlerRequest r : started) {
      second.find(r.token()).ifPresent(p -> ProcessHandle.of(p.waiterPid()).ifPresent(ProcessHandle::destroyForcibly));
    }
    others.forEach(Process::destroyForcibly);
  }

  @Test
  void aHandlerDetachedFromOneRunnerAndAdoptedByAnotherRunsOnceAndSucceedsWithItsRealDuration() throws Exception {
    HandlerRequest request = request(script("""
        echo run >> runs.txt
        while [ ! -e go ]; do sleep 0.05; done
        echo done
        exit 0
        """), Duration.ofSeconds(60));
    RunningHandler running = first.start(request);
    await().atMost(PATIENCE).until(() -> Files.exists(tmp.resolve("runs.txt")));
    HandlerProcesses processes = running.processes().orElseThrow();

    running.detach();
    HandlerResult detached = running.awaitResult();

    assertThat(detached.ending()).isEqualTo(Ending.DETACHED);
    assertThat(Procs.isRunning(processes.handlerPid())).as("the handler runs on").isTrue();
    RunningHandler adopted = second.adopt(request, record(request, processes));
    assertThat(adopted.pid()).isEqualTo(processes.handlerPid());
    Instant go = Instant.now();
    Files.writeString(tmp.resolve("go"), "");
    HandlerResult result = adopted.awaitResult();

    assertThat(result.ending()).as(result.detail()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdoutTail()).isEqualTo("done\n");
    assertThat(Files.readAllLines(tmp.resolve("runs.txt"))).containsExactly("run");
    assertThat(result.startedAt()).isEqualTo(processes.startedAt());
    assertThat(result.finishedAt()).isAfterOrEqualTo(go.minusMillis(20));
    AttemptFiles files = AttemptFiles.of(request);
    assertThat(files.exitFile()).as("kept until the outcome is recorded").exists();
    adopted.outcomeRecorded();
    assertThat(List.of(files.stdoutFifo(), files.stderrFifo(), files.exitFile())).noneMatch(Files::exists);
    await().atMost(PATIENCE).until(() -> !Procs.isRunning(processes.waiterPid()));
  }

  @Test
  void aHandlerThatEndedWhileNobodyWatchedIsCollectedWithItsCodeAndEndTime() throws Exception {
    HandlerRequest request = request(script("""
        while [ ! -e go ]; do sleep 0.05; done
        echo finished alone
        exit 3
        """), Duration.ofSeconds(60));
    RunningHandler running = first.start(request);
    HandlerProcesses processes = running.processes().orElseThrow();
    running.detach();
    assertThat(running.awaitResult().ending()).isEqualTo(Ending.DETACHED);

    Files.writeString(tmp.resolve("go"), "");
    Path exitFile = AttemptFiles.of(request).exitFile();
    await().atMost(PATIENCE).until(() -> Files.exists(exitFile));
    Instant ended = Files.getLastModifiedTime(exitFile).toInstant();
    HandlerResult result = second.adopt(request, record(request, processes)).awaitResult();

    assertThat(result.ending()).as(result.detail()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.finishedAt()).isEqualTo(ended);
    assertThat(result.stdoutTail()).isEqualTo("finished alone\n");
    assertThat(Procs.isRunning(processes.waiterPid())).as("the waiter is released").isFalse();
  }

  @Test
  void theTimeoutIsCountedFromTheHandlersRealStartAfterAdoption() throws Exception {
    HandlerRequest request = request(script("while :; do sleep 0.1; done\n"), Duration.ofSeconds(4));
    RunningHandler running = first.start(request);
    HandlerProcesses processes = running.processes().orElseThrow();
    running.detach();
    running.awaitResult();
    await().atMost(PATIENCE).until(() -> ProcFs.age(processes.handlerStartTicks()).toMillis() >= 2500);

    HandlerResult result = second.adopt(request, record(request, processes)).awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.TIMED_OUT);
    // Process start times and /proc/uptime count in 10 ms ticks: the start is known to two ticks.
    Duration twoTicks = Duration.ofMillis(2 * 1000 / ProcFs.TICKS_PER_SECOND);
    assertThat(result.duration()).as("ended 4s after its real start, not 4s after the adoption")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4).minus(twoTicks)).isLessThan(Duration.ofMillis(6400));
    assertThat(Procs.isRunning(processes.handlerPid())).isFalse();
  }

  @Test
  void aWaiterAndItsHandlerKilledTogetherEndInterrupted() throws Exception {
    HandlerRequest request = request(script("while :; do sleep 0.1; done\n"), Duration.ofSeconds(60));
    RunningHandler running = first.start(request);
    HandlerProcesses processes = running.processes().orElseThrow();
    running.detach();
    running.awaitResult();

    Signals.toProcess(processes.waiterPid(), Signal.KILL);
    Signals.toProcess(processes.handlerPid(), Signal.KILL);
    await().atMost(PATIENCE).until(() -> !Procs.isRunning(processes.waiterPid())
        && !Procs.isRunning(processes.handlerPid()));
    HandlerResult result = second.adopt(request, record(request, processes)).awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.INTERRUPTED);
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.detail()).contains("no exit status was recorded");
  }

  @Test
  void aRecordWhoseStartTicksDoNotMatchEndsInterruptedAndSignalsNothing() throws Exception {
    HandlerRequest request = request(script("while :; do sleep 0.1; done\n"), Duration.ofSeconds(2));
    RunningHandler running = first.start(request);
    HandlerProcesses real = running.processes().orElseThrow();
    running.detach();
    running.awaitResult();
    Signals.toProcess(real.waiterPid(), Signal.KILL);
    Signals.toProcess(real.handlerPid(), Signal.KILL);
    await().atMost(PATIENCE).until(() -> !Procs.isRunning(real.waiterPid()) && !Procs.isRunning(real.handlerPid()));
    Process stranger = new ProcessBuilder("sleep", "1000").start();
    others.add(stranger);
    long ticks = ProcFs.stat(stranger.pid()).map(ProcStat::startTicks).orElseThrow();
    HandlerProcesses reused = new HandlerProcesses(stranger.pid(), ticks + 1, stranger.pid(), ticks + 1,
        real.bootId(), real.startedAt());

    HandlerResult result = second.adopt(request, record(request, reused)).awaitResult();

    assertThat(result.ending()).as(result.detail()).isEqualTo(Ending.INTERRUPTED);
    assertThat(stranger.isAlive()).as("the process with the reused pid").isTrue();
    assertThat(ProcFs.stat(stranger.pid()).orElseThrow().stopped()).isFalse();
  }

  @Test
  void outputWrittenWhileDetachedIsKeptAndTheBoundHoldsAfterAdoption() throws Exception {
    long max = 64 * 1024;
    HandlerRequest request = request(script("""
        seq 1 11000
        echo before-end
        while [ ! -e go ]; do sleep 0.05; done
        echo while-detached
        while [ ! -e go2 ]; do sleep 0.05; done
        seq 11001 30000
        echo last-line
        """), Duration.ofSeconds(60), max);
    RunningHandler running = first.start(request);
    await().atMost(PATIENCE).until(() -> Files.readString(request.stdoutFile()).endsWith("before-end\n"));
    HandlerProcesses processes = running.processes().orElseThrow();
    running.detach();
    running.awaitResult();

    Files.writeString(tmp.resolve("go"), "");
    await().atMost(PATIENCE).until(() -> Files.exists(tmp.resolve("go")) && handlerWaitsFor(processes));
    assertThat(Files.readString(request.stdoutFile())).as("nobody read while detached").endsWith("before-end\n");
    RunningHandler adopted = second.adopt(request, record(request, processes));
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= 11000; i++) {
      all.append(i).append('\n');
    }
    all.append("before-end\nwhile-detached\n");
    String untilAdoption = all.toString();
    await().atMost(PATIENCE).until(() -> Files.readString(request.stdoutFile()).length() >= untilAdoption.length());
    assertThat(Files.readString(request.stdoutFile())).as("appended to what the first runner kept").isEqualTo(untilAdoption);
    Files.writeString(tmp.resolve("go2"), "");
    HandlerResult result = adopted.awaitResult();

    for (int i = 11001; i <= 30000; i++) {
      all.append(i).append('\n');
    }
    all.append("last-line\n");
    String kept = Files.readString(request.stdoutFile());
    assertThat(result.ending()).isEqualTo(Ending.EXITED);
    assertThat((long) kept.length()).isLessThanOrEqualTo(max).isGreaterThan(max / 2);
    assertThat(all.toString()).endsWith(kept);
  }

  @Test
  void aHandlerThatFillsItsPipeWhileDetachedBlocksAndIsNotKilled() throws Exception {
    long bulk = 8L * 1024 * 1024;
    HandlerRequest request = request(script("""
        while [ ! -e go ]; do sleep 0.05; done
        head -c %d /dev/zero
        echo x > wrote-all
        echo last-line
        """.formatted(bulk)), Duration.ofSeconds(60));
    RunningHandler running = first.start(request);
    HandlerProcesses processes = running.processes().orElseThrow();
    running.detach();
    running.awaitResult();

    Files.writeString(tmp.resolve("go"), "");
    await().atMost(PATIENCE).until(() -> blockedOnPipe(processes.handlerPid()));
    assertThat(tmp.resolve("wrote-all")).doesNotExist();
    assertThat(Procs.isRunning(processes.handlerPid())).isTrue();
    HandlerResult result = second.adopt(request, record(request, processes)).awaitResult();

    assertThat(result.ending()).as(result.detail()).isEqualTo(Ending.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdoutTail()).endsWith("\0\0last-line\n");
    assertThat(tmp.resolve("wrote-all")).exists();
  }

  @Test
  void theProcessesOfAnAttemptAreFoundByItsToken() throws Exception {
    HandlerRequest request = request(script("while :; do sleep 0.1; done\n"), Duration.ofSeconds(60));
    RunningHandler running = first.start(request);
    HandlerProcesses processes = running.processes().orElseThrow();

    HandlerProcesses found = second.find(request.token()).orElseThrow();

    assertThat(found.waiterPid()).isEqualTo(processes.waiterPid());
    assertThat(found.waiterStartTicks()).isEqualTo(processes.waiterStartTicks());
    assertThat(found.handlerPid()).isEqualTo(processes.handlerPid());
    assertThat(found.handlerStartTicks()).isEqualTo(processes.handlerStartTicks());
    assertThat(second.find("no-such-token")).isEmpty();
    running.cancel();
    assertThat(running.awaitResult().ending()).isEqualTo(Ending.CANCELLED);
    assertThat(second.find(request.token())).as("nothing left once it ended").isEmpty();
  }

  @Test
  void aHandlerCaughtBeforeItLeadsItsOwnSessionIsFoundAsItsWaitersChild() throws Exception {
    String token = "caught-" + System.nanoTime();
    String marker = HandlerGroup.MARKER_VARIABLE + "=" + token;
    // A waiter whose handler is still setsid with the marker, in the waiter's group: the moment a slow start shows.
    ProcessBuilder builder = new ProcessBuilder("setsid", "sh", "-c",
        "env -u " + WaiterScript.WAITER_VARIABLE + " " + marker + " sleep 1000 & echo $!; wait");
    builder.environment().put(WaiterScript.WAITER_VARIABLE, token);
    Process waiter = builder.start();
    others.add(waiter);
    long child = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(waiter.getInputStream(),
        StandardCharsets.US_ASCII)).readLine().strip());
    try {
      await().atMost(PATIENCE).until(() -> ProcFs.environmentHolds(child, marker).orElse(false));
      assertThat(ProcFs.stat(child).orElseThrow().pgrp()).as("not leading a group yet").isNotEqualTo(child);

      HandlerProcesses found = second.find(token).orElseThrow();

      assertThat(found.waiterPid()).isEqualTo(waiter.pid());
      assertThat(found.handlerPid()).isEqualTo(child);
      assertThat(found.handlerStartTicks()).isEqualTo(ProcFs.stat(child).orElseThrow().startTicks());
    } finally {
      ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aHandlerWhoseWaiterWasKilledIsWatchedToItsEndWhichIsAnInterruption() throws Exception {
    Orphaned orphaned = adoptedWithoutItsWaiter();
    HandlerProcesses processes = orphaned.processes();
    assertThat(Procs.isRunning(processes.handlerPid())).as("the handler runs on without its waiter").isTrue();
    Files.writeString(tmp.resolve("go"), "");
    HandlerResult result = orphaned.adopted().awaitResult();

    assertThat(result.ending()).as("nobody recorded its exit status").isEqualTo(Ending.INTERRUPTED);
    await("the handler, re-parented to this JVM, is reaped").atMost(PATIENCE)
        .until(() -> ProcFs.stat(processes.handlerPid()).filter(p -> p.startTicks() == processes.handlerStartTicks())
            .isEmpty());
  }

  @Test
  void aHandlerThatEndsWithoutItsWaiterBeforeTheAdopterFirstLooksIsStillReaped() throws Exception {
    Orphaned orphaned = adoptedWithoutItsWaiter();
    HandlerProcesses processes = orphaned.processes();

    Files.writeString(tmp.resolve("go"), "");
    await("the handler ended, a zombie of this JVM").atMost(PATIENCE)
        .until(() -> ProcFs.stat(processes.handlerPid()).filter(p -> p.startTicks() == processes.handlerStartTicks()
            && !p.running()).isPresent());
    HandlerResult result = orphaned.adopted().awaitResult();

    assertThat(result.ending()).isEqualTo(Ending.INTERRUPTED);
    await("the handler is reaped").atMost(PATIENCE)
        .until(() -> ProcFs.stat(processes.handlerPid()).filter(p -> p.startTicks() == processes.handlerStartTicks())
            .isEmpty());
  }

  /** A handler waiting for a {@code go} file, detached, its waiter killed, then adopted by the second runner. */
  private record Orphaned(HandlerProcesses processes, RunningHandler adopted) {}

  private Orphaned adoptedWithoutItsWaiter() throws Exception {
    HandlerRequest request = request(script("""
        while [ ! -e go ]; do sleep 0.05; done
        exit 0
        """), Duration.ofSeconds(60));
    RunningHandler running = first.start(request);
    HandlerProcesses processes = running.processes().orElseThrow();
    running.detach();
    running.awaitResult();
    Signals.toProcess(processes.waiterPid(), Signal.KILL);
    await().atMost(PATIENCE).until(() -> !Procs.isRunning(processes.waiterPid()));
    return new Orphaned(processes, second.adopt(request, record(request, processes)));
  }

  /** Whether any process of the handler's group sleeps in the kernel's pipe write (its pipe is full). */
  private static boolean blockedOnPipe(long pgid) {
    return ProcFs.table().all().stream().filter(p -> p.pgrp() == pgid).anyMatch(p -> {
      try {
        return Files.readString(Path.of("/proc", Long.toString(p.pid()), "wchan")).contains("pipe_write");
      } catch (IOException e) {
        return false;
      }
    });
  }

  /** Whether the handler is back in its wait loop (a {@code sleep} child runs in its group). */
  private static boolean handlerWaitsFor(HandlerProcesses p) {
    return ProcFs.table().all().stream().anyMatch(s -> s.pgrp() == p.handlerPid() && s.comm().equals("sleep"))
        && !ProcFs.table().all().stream().anyMatch(s -> s.pgrp() == p.handlerPid() && s.comm().equals("seq"));
  }

  private static HandlerRecord record(HandlerRequest request, HandlerProcesses p) {
    return new HandlerRecord(1, 1, request.token(), p.bootId(), p.waiterPid(), p.waiterStartTicks(), p.handlerPid(),
        p.handlerStartTicks(), p.startedAt(), "{}");
  }

  private Path script(String body) throws IOException {
    Path file = Files.createTempFile(tmp, "h", ".sh");
    Files.writeString(file, "#!/bin/sh\ncd '" + tmp + "' || exit 99\n" + body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private HandlerRequest request(Path program, Duration timeout) {
    return request(program, timeout, 65536);
  }

  private HandlerRequest request(Path program, Duration timeout, long max) {
    HandlerRequest r = new HandlerRequest(List.of(program.toString()), Map.of("TENDED_WORK_DIR", workDir.toString()),
        tmp, workDir.resolve("item.json"), workDir.resolve("attempt-1.stdout"), workDir.resolve("attempt-1.stderr"),
        timeout, Duration.ofMillis(300), max);
    started.add(r);
    return r;
  }
}
