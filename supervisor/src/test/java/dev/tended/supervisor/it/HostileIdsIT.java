package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ids full of control characters through the real jars: escaped in every line people read. */
class HostileIdsIT {
  /** As JSON string bodies: ESC + a screen clear, BEL, a newline forging a row, DEL, C1, U+2028/2029. */
  private static final List<String> IDS = List.of("esc\\u001b[2Jbell\\u0007", "new\\nideas  forged  dead",
      "del\\u007fc1\\u0085\\u009b", "ls\\u2028ps\\u2029", "good");

  @TempDir Path dir;

  @Test
  void controlCharactersInIdsAreEscapedInTheWorkerLogAndInStatus() throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handle.sh", "cat > /dev/null; printf 'bad %s\\n' \"$TENDED_ITEM_ID\" >&2; exit 65");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, "")).write();
    StringBuilder queue = new StringBuilder("[");
    for (String id : IDS) {
      queue.append(queue.length() > 1 ? ", " : "").append("{\"id\": \"").append(id).append("\"}");
    }
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), queue.append("]").toString());
    Path results = c.dataDir().resolve("results/ideas");
    try (WorkerProcess w = WorkerProcess.startWorker(c.file(), dir.resolve("w.out"))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(results) == IDS.size());
      w.signal("TERM");
      assertThat(w.awaitExit(Duration.ofSeconds(15))).isZero();
    }

    List<String> log = Files.readAllLines(c.dataDir().resolve("logs/worker.log"), StandardCharsets.UTF_8);
    assertThat(log).allSatisfy(line -> {
      assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT.*");
      assertNoRawControl(line);
    });
    assertThat(log.stream().filter(l -> l.contains("item_dead "))).hasSize(IDS.size());
    assertThat(String.join("\n", log)).contains("id=\"esc\\u001b[2Jbell\\u0007\"", "id=\"new\\nideas  forged  dead\"",
        "id=\"del\\u007fc1\\u0085\\u009b\"", "id=\"ls\\u2028ps\\u2029\"");

    Supervisor.Result status = Supervisor.run("status", "--config", c.file().toString());
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertNoRawControl(status.out().replace("\n", ""));
    List<String> lines = status.out().lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.contains("LAST ERROR")).findFirst().orElseThrow());
    assertThat(lines.subList(header + 1, lines.size())).as(status.out()).hasSize(IDS.size())
        .allSatisfy(row -> assertThat(row).startsWith("ideas ").contains(" dead "));
  }

  private static void assertNoRawControl(String text) {
    assertThat(text.chars()).as(text).noneMatch(ch -> ch < ' ' || (ch >= 0x7F && ch <= 0x9F) || ch == 0x2028
        || ch == 0x2029);
  }

  private static long count(Path folder) throws java.io.IOException {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.count();
    }
  }
}
