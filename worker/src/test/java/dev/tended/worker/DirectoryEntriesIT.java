package dev.tended.worker;

import static dev.tended.testkit.LogLines.awaitLogged;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.ItemState;
import dev.tended.status.SourceStatus;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Odd entries in a directory source, with the real jar: names that are not UTF-8, names that look
 * alike, links that loop, dangle or lead to {@code /}. Each entry is one item whose {@code path} the
 * handler opens, or a fault naming it in the status file; the others run. The same under the POSIX
 * locale, where the JVM itself cannot decode a non-ASCII name.
 */
class DirectoryEntriesIT {
  @TempDir Path dir;

  @Test
  void eachOddEntryIsOneItemWhosePathOpensOrAFaultNamingItAndTheOthersRun() throws Exception {
    runsEveryEntryOnceOrNamesIt(Map.of());
  }

  @Test
  void theSameHoldsWhenTheWorkerRunsUnderThePosixLocale() throws Exception {
    runsEveryEntryOnceOrNamesIt(Map.of("LC_ALL", "C", "LANG", "C"));
  }

  private void runsEveryEntryOnceOrNamesIt(Map<String, String> env) throws Exception {
    try (WorkerFixture f = new WorkerFixture(dir)) {
      // exit 65 (dead at once) when the item's path does not open
      Path handler = f.recordingHandler("open.sh",
          "path=$(sed -n 's/.*\"path\":\"\\([^\"]*\\)\".*/\\1/p')\n"
              + "[ -n \"$path\" ] && [ -e \"$path\" ] || exit 65\n");
      f.config.source(TestConfig.directory("implementations", "implementations", handler, "")).write();
      Path folder = Files.createDirectories(f.config.dataDir().resolve("implementations"));
      shell(folder, "touch \"$(printf 'a\\377')\" \"$(printf 'a\\376')\"");
      Files.writeString(folder.resolve("fine.txt"), "x", UTF_8);
      Files.writeString(folder.resolve("caf\u00e9"), "composed", UTF_8);
      Files.writeString(folder.resolve("cafe\u0301"), "decomposed", UTF_8);
      Files.createSymbolicLink(folder.resolve("loop"), folder.resolve("loop"));
      Files.createSymbolicLink(folder.resolve("root"), Path.of("/"));
      Files.createSymbolicLink(folder.resolve("gone"), dir.resolve("nothing"));
      Files.createSymbolicLink(folder.resolve("to-file"), Files.writeString(dir.resolve("target.txt"), "t", UTF_8));
      Path tree = Files.createDirectories(folder.resolve("tree/src"));
      Files.writeString(tree.resolve("A.java"), "class A {}", UTF_8);
      Files.createSymbolicLink(tree.resolve("up"), Path.of("/"));

      try (WorkerProcess worker = WorkerProcess.startWorker(f.config.file(), env, dir.resolve("worker.out"))) {
        f.awaitBeatFrom(worker);

        await().atMost(Duration.ofSeconds(90)).until(() ->
            Long.valueOf(5).equals(f.counts("implementations").get(ItemState.SUCCEEDED)));
        await().atMost(Duration.ofSeconds(30)).until(() -> source(f).lastError() != null);
        SourceStatus s = source(f);
        assertThat(s.dead()).as("every item's path opened").isZero();
        assertThat(s.lastPollOk()).isFalse();
        assertThat(s.lastError()).contains("5 entries are not items")
            .contains("\"a\\xFE\" (name is not valid UTF-8)")
            .contains("\"a\\xFF\" (name is not valid UTF-8)")
            .contains("\"gone\" (dangling symbolic link)")
            .contains("\"loop\" (symbolic link loop)")
            .contains("\"root\" (symbolic link to a folder (not followed))");
        assertThat(f.runs()).as("one run per item").hasSize(5).allMatch(l -> l.endsWith(" 1"));
        awaitLogged(() ->
            assertThat(f.workerLog()).contains("queue_entry_skipped source=implementations entry=a\\xFF"));

        worker.signal("TERM");
        assertThat(worker.awaitExit(Duration.ofSeconds(20))).isZero();
      }
    }
  }

  private static SourceStatus source(WorkerFixture f) {
    return f.status.read().orElseThrow().sources().get("implementations");
  }

  private static void shell(Path in, String script) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", script).directory(in.toFile()).inheritIO().start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as(script).isTrue();
  }
}
