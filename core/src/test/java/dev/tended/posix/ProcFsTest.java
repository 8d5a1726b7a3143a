package dev.tended.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code /proc} reader against real processes started by the test. */
class ProcFsTest {
  @TempDir Path dir;
  private Process started;

  @AfterEach
  void tearDown() throws InterruptedException {
    Spawned.stop(started);
  }

  /** Starts {@code sh -c script} and waits until it has written {@code ready}. */
  private Process shell(String script) throws IOException {
    Path ready = dir.resolve("ready");
    started = new ProcessBuilder("sh", "-c", script + " & echo x > " + ready + "; wait")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
    return started;
  }

  @Test
  void aWholeEnvironmentEntryIsFoundAndAPrefixOfOneIsNot() throws IOException {
    ProcessBuilder b = new ProcessBuilder("sleep", "30").redirectOutput(ProcessBuilder.Redirect.DISCARD);
    b.environment().put("TENDED_TEST_MARK", "abc123");
    started = b.start();
    long pid = started.pid();

    assertThat(ProcFs.environmentHolds(pid, "TENDED_TEST_MARK=abc123")).contains(true);
    assertThat(ProcFs.environmentHolds(pid, "TENDED_TEST_MARK=abc")).contains(false);
    assertThat(ProcFs.environmentHolds(pid, "TENDED_TEST_MARK=abc1234")).contains(false);
    assertThat(ProcFs.environmentHolds(Long.MAX_VALUE, "TENDED_TEST_MARK=abc123")).as("no such process").isEmpty();
  }

  @Test
  void ownLineMatchesWhatTheJdkKnows() {
    ProcStat self = ProcFs.self().orElseThrow();
    assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(self.ppid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
    assertThat(self.running()).isTrue();
    assertThat(ProcFs.cmdline(self.pid())).hasValueSatisfying(c -> assertThat(c).contains("java"));
  }

  @Test
  void descendantsOfAProcessAreFoundThroughTheTable() throws IOException {
    Process sh = shell("sleep 30");
    List<ProcStat> descendants = ProcFs.table().descendants(List.of(ProcessHandle.current().pid()));
    assertThat(descendants).extracting(ProcStat::pid).contains(sh.pid());
    assertThat(ProcFs.table().children(sh.pid())).extracting(ProcStat::comm).containsExactly("sleep");
    assertThat(ProcFs.cmdline(ProcFs.table().children(sh.pid()).get(0).pid())).contains("sleep 30");
  }

  @Test
  void commandNameWithSpacesAndParenthesesIsReadFromTheKernel() throws IOException {
    Path odd = dir.resolve("(a) b)");
    Files.copy(Path.of("/bin/sleep"), odd);
    odd.toFile().setExecutable(true);
    Process sh = shell("'" + odd + "' 30");
    ProcStat child = ProcFs.table().children(sh.pid()).get(0);
    assertThat(child.comm()).isEqualTo("(a) b)");
    assertThat(child.ppid()).isEqualTo(sh.pid());
    assertThat(ProcFs.stat(child.pid())).contains(child);
  }

  @Test
  void processThatIsGoneReadsAsEmptyNotAsAnError() throws Exception {
    Process p = new ProcessBuilder("true").start();
    long pid = p.pid();
    p.waitFor(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcFs.stat(pid).isEmpty());
    assertThat(ProcFs.running(pid)).isFalse();
    assertThat(ProcFs.cmdline(pid)).isEmpty();
    assertThat(ProcFs.tasks(pid)).isEmpty();
    assertThat(ProcFs.openFileCount(pid)).isEmpty();
  }

  @Test
  void threadsOpenFilesAndMemoryOfThisJvmCanBeRead() {
    long self = ProcessHandle.current().pid();
    assertThat(ProcFs.tasks(self)).extracting(ProcFs.Task::name).contains("Reference Handl", "Finalizer");
    assertThat(ProcFs.openFileCount(self).orElseThrow()).isGreaterThan(2);
    assertThat(ProcFs.residentKiB(self).orElseThrow()).isGreaterThan(1024);
  }
}
