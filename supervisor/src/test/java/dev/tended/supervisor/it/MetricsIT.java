package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.AttemptStats;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Jars;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus metrics with the real jars (issue 13, T2): the supervisor's {@code metrics.textfile}
 * passes {@code promtool check metrics} (Debian's {@code prometheus}), its values agree with
 * {@code status.json}, node_exporter ({@code prometheus-node-exporter}) with its textfile collector
 * pointed at the folder serves them to a real scrape with curl, and {@code tended metrics} prints the
 * same exposition. Also the shipped example rules pass {@code promtool check rules} and their unit tests.
 * The tools are installed by {@code .ci/run}; without them these tests fail saying so (as ClockStepIT
 * does without faketime).
 */
class MetricsIT {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
  @TempDir Path dir;

  private static Path tool(Path path, String debianPackage) {
    if (!Files.isExecutable(path)) {
      throw new AssertionError(path + " not found: install the Debian package " + debianPackage + " (.ci/run does)");
    }
    return path;
  }

  /** Runs {@code cmd} to its end with {@code stdin} (or nothing) as its input; stdout and stderr together. */
  private static WorkerProcess.Finished run(List<String> cmd, Path stdin) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("did not end within 60 s: " + cmd);
    }
    return new WorkerProcess.Finished(p.exitValue(), new String(out, StandardCharsets.UTF_8), "");
  }

  private static WorkerProcess.Finished promtoolCheckMetrics(Path file) throws IOException, InterruptedException {
    return run(List.of(tool(PROMTOOL, "prometheus").toString(), "check", "metrics"), file);
  }

  /** The value of the sample {@code series} (name and labels as written), or null when absent. */
  static Double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return null;
  }

  /** The series of an exposition (name and labels, without values, HELP and TYPE lines). */
  static Set<String> series(String text) {
    Set<String> out = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return out;
  }

  /** The {@code # TYPE} lines of an exposition: its metric families and their types. */
  static Set<String> types(String text) {
    Set<String> out = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        out.add(line);
      }
    }
    return out;
  }

  private static String readOrEmpty(Path file) throws IOException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return "";
    }
  }

  private TestConfig config(Path textfile, String supervisor) throws IOException {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handle.sh", "cat > /dev/null; [ \"$TENDED_ITEM_ID\" = bad ] && exit 65; exit 0");
    // "slow": its handler waits for the test's release file (15 s at most), so its second item stays due.
    Path slow = c.script("slow.sh", "cat > /dev/null; i=0; while [ ! -f " + dir.resolve("release") + " ] && [ $i -lt 150 ];"
        + " do sleep 0.1; i=$((i+1)); done; exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .source(TestConfig.jsonQueue("slow", "slow_log.json", slow, ""))
        .supervisor(supervisor)
        .extra("metrics:\n  textfile: " + textfile + "\n");
    c.write();
    return c;
  }

  @Test
  void theTextfilePassesPromtoolAgreesWithStatusJsonAndNodeExporterServesIt() throws Exception {
    tool(PROMTOOL, "prometheus");
    tool(NODE_EXPORTER, "prometheus-node-exporter");
    Path promDir = dir.resolve("textfiles");
    Path textfile = promDir.resolve("tended.prom");
    TestConfig c = config(textfile, "{ staleAfter: 5s, startupGrace: 20s, stopGrace: 4s }");
    String items = "[" + String.join(",", List.of("{\"id\":\"a1\"}", "{\"id\":\"a2\"}", "{\"id\":\"a3\"}",
        "{\"id\":\"a4\"}", "{\"id\":\"a5\"}", "{\"id\":\"bad\"}")) + "]";
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), items);
    Queues.replaceAtomically(c.dataDir().resolve("slow_log.json"), Queues.ideas("s", 0, 2));
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      // The oldest due item's age: the status's, plus the time from that beat to the textfile's write.
      String[] consistent = {""};
      WorkerStatus[] beat = {null};
      await("a textfile and a status of the same beat, with an item of slow due").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20)).until(() -> {
            Optional<WorkerStatus> st = sup.status();
            String t = readOrEmpty(textfile);
            Double seqInFile = value(t, "tended_heartbeat_sequence");
            if (st.isEmpty() || seqInFile == null || seqInFile != st.get().sequence()
                || st.get().sources().get("slow").oldestPendingAgeSeconds() == null) {
              return false;
            }
            consistent[0] = t;
            beat[0] = st.get();
            return true;
          });
      double writtenAfterBeat = Math.max(0, Duration.between(beat[0].updatedAt(),
          Files.getLastModifiedTime(textfile).toInstant()).toMillis()) / 1000.0;
      assertThat(value(consistent[0], "tended_oldest_pending_age_seconds{source=\"slow\"}"))
          .isCloseTo(beat[0].sources().get("slow").oldestPendingAgeSeconds() + writtenAfterBeat,
              org.assertj.core.data.Offset.offset(0.25));
      assertThat(value(consistent[0], "tended_items{source=\"slow\",state=\"running\"}")).isEqualTo(1.0);
      assertThat(value(consistent[0], "tended_items{source=\"slow\",state=\"pending\"}")).isEqualTo(1.0);
      await("5 succeeded and 1 dead in status.json").atMost(Duration.ofSeconds(60)).until(() -> {
        Optional<WorkerStatus> s = sup.status();
        return s.isPresent() && s.get().sources().get("ideas").succeeded() == 5 && s.get().sources().get("ideas").dead() == 1;
      });
      // The textfile of a beat at or after that one: its counts are final.
      long settled = sup.status().orElseThrow().sequence();
      await("a textfile of beat " + settled + " or later").atMost(Duration.ofSeconds(20))
          .until(() -> Optional.ofNullable(value(readOrEmpty(textfile), "tended_heartbeat_sequence")).orElse(-1.0) >= settled);

      // The sequence agrees: between the status before the read and the status after it.
      long before = sup.status().orElseThrow().sequence();
      String text = Files.readString(textfile);
      WorkerStatus after = sup.status().orElseThrow();
      System.out.println("metrics textfile:\n" + text);
      double seq = value(text, "tended_heartbeat_sequence");
      assertThat(seq).isBetween((double) settled, (double) after.sequence());
      assertThat(before).isLessThanOrEqualTo(after.sequence());
      SourceStatus ideas = after.sources().get("ideas");
      assertThat(value(text, "tended_items{source=\"ideas\",state=\"succeeded\"}")).isEqualTo((double) ideas.succeeded());
      assertThat(value(text, "tended_items{source=\"ideas\",state=\"dead\"}")).isEqualTo((double) ideas.dead());
      assertThat(value(text, "tended_items{source=\"ideas\",state=\"pending\"}")).isEqualTo((double) ideas.pending());
      assertThat(value(text, "tended_items{source=\"ideas\",state=\"running\"}")).isEqualTo((double) ideas.running());
      assertThat(value(text, "tended_items{source=\"ideas\",state=\"failed\"}")).isEqualTo((double) ideas.failed());
      assertThat(value(text, "tended_breaker_open{source=\"ideas\"}"))
          .isEqualTo("open".equals(ideas.breaker().state()) ? 1.0 : 0.0);
      assertThat(value(text, "tended_queue_fault{source=\"ideas\"}")).isEqualTo(ideas.fault() == null ? 0.0 : 1.0);
      assertThat(value(text, "tended_source_paused{source=\"ideas\"}")).isEqualTo(ideas.paused() ? 1.0 : 0.0);
      assertThat(value(text, "tended_poll_errors_total{source=\"ideas\"}")).isEqualTo((double) ideas.pollErrors());
      assertThat(ideas.lastSucceededAt()).isNotNull();
      assertThat(value(text, "tended_last_success_timestamp_seconds{source=\"ideas\"}"))
          .isEqualTo(ideas.lastSucceededAt().toEpochMilli() / 1000.0);
      assertThat(ideas.lastFinishedAt()).isNotNull();
      assertThat(value(text, "tended_last_finished_timestamp_seconds{source=\"ideas\"}"))
          .isEqualTo(ideas.lastFinishedAt().toEpochMilli() / 1000.0);
      assertThat(value(text, "tended_oldest_pending_age_seconds{source=\"ideas\"}")).as("nothing is due").isEqualTo(0.0);
      assertThat(value(text, "tended_heartbeat_age_seconds")).isBetween(0.0, 5.0);
      assertThat(value(text, "tended_worker_up")).isEqualTo(1.0);
      // From the ledger's totals: every attempt exited (5 successes and the dead one's).
      AttemptStats stats;
      try (LedgerView ledger = SqliteLedgerStore.at(c.dataDir().resolve("ledger.db")).openView()) {
        stats = ledger.attemptStats().get("ideas");
      }
      long exited = stats.endings().get(AttemptEnding.EXITED);
      assertThat(exited).isGreaterThanOrEqualTo(6);
      assertThat(value(text, "tended_attempts_total{ending=\"exited\",source=\"ideas\"}")).isEqualTo((double) exited);
      assertThat(value(text, "tended_attempts_total{ending=\"timeout\",source=\"ideas\"}")).isEqualTo(0.0);
      assertThat(value(text, "tended_attempt_duration_seconds_count{source=\"ideas\"}")).isEqualTo((double) exited);
      assertThat(value(text, "tended_attempt_duration_seconds_bucket{source=\"ideas\",le=\"+Inf\"}")).isEqualTo((double) exited);
      assertThat(value(text, "tended_attempt_duration_seconds_sum{source=\"ideas\"}"))
          .isCloseTo(stats.durations().sumSeconds(), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(value(text, "tended_worker_restarts_total{reason=\"exit\"}")).isEqualTo(0.0);
      assertThat(value(text, "tended_ledger_bytes")).isGreaterThan(0.0);
      assertThat(value(text, "tended_data_free_bytes")).isGreaterThan(0.0);
      assertThat(Files.getPosixFilePermissions(textfile)).as("readable by node_exporter's user")
          .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));

      WorkerProcess.Finished check = promtoolCheckMetrics(textfile);
      assertThat(check.exitCode()).as("promtool check metrics: " + check.out()).isZero();

      // tended metrics prints the same exposition: the same series, and it passes promtool too.
      Supervisor.Result printed = Supervisor.run("metrics", "--config", c.file().toString());
      assertThat(printed.exitCode()).as(printed.err()).isZero();
      assertThat(types(printed.out())).isEqualTo(types(text));
      // (slow's series may gain a last finish meanwhile, should its handler time out on a loaded machine)
      assertThat(series(printed.out()).stream().filter(x -> !x.contains("source=\"slow\"")).toList())
          .isEqualTo(series(text).stream().filter(x -> !x.contains("source=\"slow\"")).toList());
      Path printedFile = dir.resolve("printed.prom");
      Files.writeString(printedFile, printed.out());
      WorkerProcess.Finished printedCheck = promtoolCheckMetrics(printedFile);
      assertThat(printedCheck.exitCode()).as("promtool check metrics (tended metrics): " + printedCheck.out()).isZero();

      Files.writeString(dir.resolve("release"), "");
      // node_exporter's textfile collector pointed at the folder serves them; a real scrape with curl.
      int port;
      try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = free.getLocalPort();
      }
      Path exporterOut = dir.resolve("node_exporter.out");
      try (WorkerProcess exporter = WorkerProcess.start(List.of(NODE_EXPORTER.toString(),
          "--web.listen-address=127.0.0.1:" + port, "--collector.disable-defaults", "--collector.textfile",
          "--collector.textfile.directory=" + promDir), Map.of(), exporterOut)) {
        String url = "http://127.0.0.1:" + port + "/metrics";
        String[] scraped = {""};
        await("node_exporter serves tended_ metrics").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> {
              WorkerProcess.Finished curl = run(List.of("curl", "-sS", "--max-time", "5", url), null);
              scraped[0] = curl.out();
              return curl.exitCode() == 0 && scraped[0].contains("tended_items{");
            });
        String body = scraped[0];
        assertThat(body).contains("node_textfile_scrape_error 0");
        assertThat(value(body, "tended_items{source=\"ideas\",state=\"succeeded\"}")).isEqualTo(5.0);
        assertThat(value(body, "tended_items{source=\"ideas\",state=\"dead\"}")).isEqualTo(1.0);
        assertThat(value(body, "tended_attempts_total{ending=\"exited\",source=\"ideas\"}")).isEqualTo((double) exited);
        assertThat(body).contains("# TYPE tended_attempt_duration_seconds histogram")
            .contains("# HELP tended_worker_restarts_total ");
        assertThat(value(body, "tended_heartbeat_sequence")).isGreaterThanOrEqualTo(seq);
      }
    }
  }

  @Test
  void theHeartbeatAgeKeepsGrowingWhileTheWorkerIsFrozenAndItsRestartIsCounted() throws Exception {
    Path textfile = dir.resolve("textfiles/tended.prom");
    TestConfig c = config(textfile, "{ staleAfter: 4s, startupGrace: 20s, stopGrace: 3s, restartBackoff: { initial: 500ms } }");
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), Queues.ideas("i", 0, 2));
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      long frozen = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(20)).until(() -> value(readOrEmpty(textfile), "tended_worker_up") != null
          && value(readOrEmpty(textfile), "tended_worker_up") == 1.0);
      WorkerProcess.signal(frozen, "STOP");
      try {
        // The worker writes nothing now; the supervisor's file still says how old its last beat is.
        await("the heartbeat age grows past 2 s").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
            .until(() -> Optional.ofNullable(value(readOrEmpty(textfile), "tended_heartbeat_age_seconds")).orElse(0.0) >= 2.0);
        // Still frozen: the supervisor replaces it (stale).
        sup.awaitBeatingWorker(frozen, Duration.ofSeconds(60));
      } finally {
        if (ProcessHandle.of(frozen).isPresent()) {
          WorkerProcess.signal(frozen, "CONT");
        }
      }
      await("the stale restart counted").atMost(Duration.ofSeconds(20)).until(() ->
          Optional.ofNullable(value(readOrEmpty(textfile), "tended_worker_restarts_total{reason=\"stale\"}")).orElse(0.0) == 1.0);
      String text = readOrEmpty(textfile);
      assertThat(value(text, "tended_worker_stalls_total")).isEqualTo(1.0);
      assertThat(value(text, "tended_worker_restarts_total{reason=\"exit\"}")).isEqualTo(0.0);
    }
  }

  @Test
  void theExampleAlertingRulesPassPromtoolCheckRulesAndTheirUnitTests() throws Exception {
    Path rules = Jars.sourceTree().resolve("deploy/examples/prometheus");
    WorkerProcess.Finished check = run(List.of(tool(PROMTOOL, "prometheus").toString(), "check", "rules",
        rules.resolve("tended-rules.yml").toString()), null);
    assertThat(check.exitCode()).as(check.out()).isZero();
    assertThat(check.out()).contains("SUCCESS");
    ProcessBuilder test = new ProcessBuilder(PROMTOOL.toString(), "test", "rules", "tended-rules.test.yml")
        .directory(rules.toFile()).redirectErrorStream(true);
    Process p = test.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
