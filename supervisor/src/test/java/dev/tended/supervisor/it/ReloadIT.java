package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's side of a reload, with a {@code /bin/sh} stand-in for the worker that does what the
 * hand-over protocol asks of one: it beats, and on SIGHUP writes a last status and exits 75.
 */
class ReloadIT {
  @TempDir Path dir;

  private TestConfig config() throws Exception {
    return config("");
  }

  /** The stand-in as {@code workerCommand}, {@code supervisorExtra} added to the supervisor's keys. */
  private TestConfig config(String supervisorExtra) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("ok.sh", "exit 0");
    Path worker = c.script("stand-in-worker.sh", """
        # tended-worker stand-in: beats every 100 ms, hands over (exit 75) on SIGHUP
        handed=0
        trap 'handed=1' HUP
        trap 'exit 0' TERM
        started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
        seq=0
        beat() {
          now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
          printf '{"schema":1,"pid":%d,"state":"%s","version":"s","startedAt":"%s","updatedAt":"%s","sequence":%d,"sources":{}}' \\
            $$ "$1" "$started" "$now" $seq > "$STATUS.tmp" && mv "$STATUS.tmp" "$STATUS"
        }
        while [ $handed = 0 ]; do
          seq=$((seq+1)); beat running; sleep 0.1
        done
        beat stopped
        exit 75""");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .supervisor("{ staleAfter: 5s, startupGrace: 10s, stopGrace: 3s, restartBackoff: { initial: 20s }, "
            + "workerCommand: [\"/bin/sh\", \"" + worker + "\"]" + supervisorExtra + " }")
        .write();
    return c;
  }

  private Map<String, String> env(TestConfig c) {
    return Map.of("STATUS", c.dataDir().resolve("status.json").toString());
  }

  private JsonNode state(TestConfig c) throws Exception {
    return StatusFiles.mapper().readTree(Files.readAllBytes(c.dataDir().resolve("supervisor-state.json")));
  }

  @Test
  void aValidReloadHandsTheWorkerOverAndStartsTheNextAtOnceWithoutCountingACrash() throws Exception {
    TestConfig c = config();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), env(c))) {
      long old = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      Files.writeString(c.file(), Files.readString(c.file()).replace("staleAfter: 5s", "staleAfter: 6s"));

      Supervisor.Result reload = Supervisor.run("reload", "--config", c.file().toString());

      assertThat(reload.exitCode()).as(reload.err()).isZero();
      assertThat(reload.out()).containsPattern("reloaded in \\d+ ms: worker pid \\d+ runs ");
      long fresh = sup.awaitBeatingWorker(old, Duration.ofSeconds(20));
      assertThat(fresh).isNotEqualTo(old);
      // the backoff is 20 s: a next worker within it was not started as a crash's replacement
      awaitLogged(() ->
          assertThat(sup.log()).contains("worker_hand_over_done pid=" + old + " outcome=handed_over exit_code=75")
              .containsPattern("reload_done config=\\S+ took_ms=\\d+ old_pid=" + old + " new_pid=" + fresh)
              .doesNotContain("worker_restarted").doesNotContain("worker_exited").doesNotContain("worker_stop_requested"));
      assertThat(state(c).path("failuresInARow").asInt()).isZero();
      assertThat(state(c).path("restarts")).isEmpty();
      assertThat(Supervisor.run("health-diagnose", "--config", c.file().toString(), "--json").out())
          .contains("\"config_reload\"").contains("last reload done");
    }
  }

  @Test
  void anInvalidReloadChangesNothingExits78AndHealthDiagnoseShowsItUntilALaterReloadSucceeds() throws Exception {
    TestConfig c = config();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), env(c))) {
      long worker = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      String good = Files.readString(c.file());
      Files.writeString(c.file(), good.replace("staleAfter: 5s", "staleAfter: soon"));

      Supervisor.Result refused = Supervisor.run("reload", "--config", c.file().toString());
      assertThat(refused.exitCode()).isEqualTo(78);
      assertThat(refused.err()).contains("supervisor.staleAfter");

      // A file that loads but changes what only a new supervisor can apply: the supervisor refuses it.
      Files.writeString(c.file(), good.replace("staleAfter: 5s", "staleAfter: 5s, restartWith: systemctl"));
      refused = Supervisor.run("reload", "--config", c.file().toString());
      assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(78);
      assertThat(refused.err()).contains("supervisor.restartWith").contains("nothing changed");
      awaitLogged(() ->
          assertThat(sup.log()).containsPattern("reload_refused config=\\S+ problems=\"supervisor.restartWith"));
      assertThat(sup.awaitBeatingWorker(-1, Duration.ofSeconds(20))).isEqualTo(worker);
      assertThat(sup.log()).doesNotContain("worker_hand_over").doesNotContain("reload_done");

      Files.writeString(c.file(), good);
      Supervisor.Result diagnosed = Supervisor.run("health-diagnose", "--config", c.file().toString(), "--json");
      JsonNode check = check(diagnosed.json(), "config_reload");
      assertThat(check.path("level").asText()).isEqualToIgnoringCase("degraded");
      assertThat(check.path("detail").asText()).contains("reload refused").contains("supervisor.restartWith");
      assertThat(diagnosed.exitCode()).as("a degraded check: not healthy").isNotZero();

      assertThat(Supervisor.run("reload", "--config", c.file().toString()).exitCode()).isZero();
      JsonNode after = check(Supervisor.run("health-diagnose", "--config", c.file().toString(), "--json").json(),
          "config_reload");
      assertThat(after.path("level").asText()).isEqualTo("healthy");
    }
  }

  @Test
  void reloadWithoutARunningSupervisorExits1AndSaysSo() throws Exception {
    TestConfig c = config();
    Files.createDirectories(c.dataDir());
    Supervisor.Result r = Supervisor.run("reload", "--config", c.file().toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no supervisor runs on");
  }

  @Test
  void aWorkerThatExits75ByItselfIsReplacedAtOnceAndNotCountedAsACrash() throws Exception {
    TestConfig c = config();
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), env(c))) {
      long old = sup.awaitBeatingWorker(-1, Duration.ofSeconds(30));
      dev.tended.testkit.WorkerProcess.signal(old, "HUP");
      long fresh = sup.awaitBeatingWorker(old, Duration.ofSeconds(8));
      assertThat(fresh).isNotEqualTo(old);
      await().atMost(Duration.ofSeconds(5)).until(() -> sup.log().contains("worker_handed_over pid=" + old));
      assertThat(sup.log()).doesNotContain("worker_restarted").doesNotContain("worker_exited");
      assertThat(state(c).path("failuresInARow").asInt()).isZero();
    }
  }

  @Test
  void inSystemctlModeAReloadReloadsTheWorkerUnitAndIsDoneAtTheNextWorkersFirstBeat() throws Exception {
    TestConfig c = config(", restartWith: systemctl, workerUnit: tw.service");
    Path worker = dir.resolve("stand-in-worker.sh");
    Path calls = dir.resolve("systemctl-calls.txt");
    Path status = c.dataDir().resolve("status.json");
    // A stand-in systemctl: records its arguments; "reload" does what the unit's ExecReload= and
    // RestartForceExitStatus=75 do: SIGHUP to the worker, and a new one once it has exited.
    Path systemctl = c.script("systemctl", """
        echo "$@" >> %s
        old=$(sed -n 's/.*"pid":\\([0-9]*\\).*/\\1/p' "$STATUS")
        if [ "$1" = reload ] && [ -n "$old" ]; then
          kill -HUP $old
          while kill -0 $old 2>/dev/null; do sleep 0.05; done
          nohup /bin/sh %s > /dev/null 2>&1 &
        fi
        exit 0""".formatted(calls, worker));
    Files.createDirectories(c.dataDir());
    Process first = Supervisor.startStandInUnit(worker, status);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(),
        Map.of("STATUS", status.toString(), "TENDED_SYSTEMCTL", systemctl.toString()))) {
      long old = sup.awaitBeatingWorker(-1, Duration.ofSeconds(20));
      assertThat(old).isEqualTo(first.pid());
      // The stand-in beats on its own: wait for the supervisor itself to watch it (lock held, signals set).
      await().atMost(Duration.ofSeconds(30)).until(() -> sup.log().contains("watch_started"));

      Supervisor.Result reload = Supervisor.run("reload", "--config", c.file().toString());

      assertThat(reload.exitCode()).as(reload.err()).isZero();
      assertThat(Files.readString(calls).strip()).isEqualTo("reload tw.service");
      long fresh = sup.awaitBeatingWorker(old, Duration.ofSeconds(20));
      assertThat(first.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).isEqualTo(75);
      awaitLogged(() ->
          assertThat(sup.log()).contains("worker_unit_reloaded unit=tw.service")
              .containsPattern("reload_done config=\\S+ took_ms=\\d+ old_pid=" + old + " new_pid=" + fresh + " hand_over=asked"));
      ProcessHandle.of(fresh).ifPresent(ProcessHandle::destroyForcibly);
    } finally {
      first.destroyForcibly();
    }
  }

  private static JsonNode check(JsonNode report, String name) {
    for (JsonNode c : report.path("checks")) {
      if (name.equals(c.path("name").asText())) {
        return c;
      }
    }
    throw new AssertionError("no check " + name + " in " + report);
  }
}
