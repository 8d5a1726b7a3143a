package dev.tended.supervisor.it;

import static dev.tended.testkit.LogLines.awaitLogged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.control.ControlFolder;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.Queues;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard with the real jars and a real headless Chromium (issue 14, "What the tests must
 * prove" 4 and 5): the page shows the sources and a running item with its live output; a payload with
 * markup (an item id, handler output) is shown as text and never runs; a Retry click without the token
 * is refused and the item stays dead; with it the worker applies the retry (pending, then succeeded);
 * {@code /healthz} follows the verdict (200, then 503 once the worker is frozen past staleAfter) and
 * {@code /metrics} passes {@code promtool check metrics}. Screenshots are kept in
 * {@code target/screenshots/}.
 */
class DashboardIT {
  private static final String TOKEN = "dashboard-test-token";
  /** An id whose markup would set the page's title if it ever reached innerHTML. */
  private static final String HOSTILE_ID = "bad<script>document.title='pwned'</script><img src=x onerror=\"window.pwned=1\">";
  @TempDir Path dir;

  /** A port nothing listens on now, for a dashboard of a test. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A source "ideas": "slow*" items print markup and wait for the test's release file; "bad*" fail while broken exists. */
  private TestConfig config(String supervisor) throws IOException {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("handle.sh", String.join("\n",
        "cat > /dev/null",
        "case \"$TENDED_ITEM_ID\" in",
        "  slow*) echo 'working on it <script>document.title=\"pwned\"</script>'; i=0;",
        "         while [ ! -f " + dir.resolve("release") + " ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; exit 0;;",
        "  bad*) if [ -f " + dir.resolve("broken") + " ]; then echo '<img src=x onerror=\"window.pwned=1\">' >&2; exit 3; fi;"
            + " exit 0;;",
        "esac",
        "exit 0"));
    c.source(TestConfig.source("json-queue", "ideas", "ideas_log.json", "200ms",
        TestConfig.handler(handler, "90s", "1s", ""), List.of("concurrency: 2", "retry: { maxAttempts: 1, initialBackoff: 100ms }")))
        .supervisor(supervisor);
    c.write();
    Files.writeString(c.dataDir().resolve("web.token"), TOKEN + "\n");
    // The request folder, as the install's tmpfiles.d makes it.
    Files.createDirectories(new ControlFolder(c.dataDir().resolve("control")).requests());
    return c;
  }

  private static String items(String... ids) {
    StringBuilder b = new StringBuilder("[");
    for (String id : ids) {
      b.append(b.length() > 1 ? "," : "").append("{\"id\":\"").append(id.replace("\\", "\\\\").replace("\"", "\\\""))
          .append("\"}");
    }
    return b.append(']').toString();
  }

  /** {@code tended web} on {@code c}, listening on loopback at {@code port}. */
  static WorkerProcess startWeb(TestConfig c, int port) throws IOException {
    WorkerProcess web = WorkerProcess.start(Supervisor.jar(), List.of("web", "--config", c.file().toString(),
        "--listen", "127.0.0.1:" + port), Map.of(), c.dir().resolve("web.out"));
    await("web_listening").atMost(Duration.ofSeconds(30)).until(() -> web.output().contains("web_listening"));
    return web;
  }

  private static ItemRecord newest(Path ledgerFile, String id) {
    try (LedgerView l = SqliteLedgerStore.at(ledgerFile).openView()) {
      List<ItemRecord> v = l.versions("ideas", id);
      return v.isEmpty() ? null : v.get(v.size() - 1);
    } catch (dev.tended.ledger.LedgerException e) {
      return null; // the worker made the file and has not written its schema yet
    }
  }

  private static ItemState state(Path ledgerFile, String id) {
    ItemRecord r = newest(ledgerFile, id);
    return r == null ? null : r.state();
  }

  private static int transitionsTo(Path ledgerFile, String id, ItemState to) {
    try (LedgerView l = SqliteLedgerStore.at(ledgerFile).openView()) {
      return l.transitionsTo(newest(ledgerFile, id).seq(), to);
    }
  }

  @Test
  void thePageShowsSourcesAndARunningItemShowsMarkupAsTextAndAcceptsARetryOnlyWithTheToken() throws Exception {
    Assumptions.assumeTrue(Browser.installed(), "no " + Browser.CHROMIUM + " and " + Browser.CHROMEDRIVER
        + " (Debian's chromium and chromium-driver; .ci/run installs them)");
    TestConfig c = config("{ staleAfter: 5s, startupGrace: 20s, stopGrace: 4s }");
    Files.writeString(dir.resolve("broken"), "");
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), items("slow-1", HOSTILE_ID, "fine-1", "fine-2"));
    int port = freePort();
    try (WorkerProcess worker = WorkerProcess.startWorker(c.file(), c.dir().resolve("worker.out"));
        WorkerProcess web = startWeb(c, port);
        Browser browser = Browser.start(dir.resolve("chromium-profile"), 1360, 1500)) {
      await("the hostile item dead").atMost(Duration.ofSeconds(60))
          .until(() -> Files.exists(c.dataDir().resolve("ledger.db")) && state(c.dataDir().resolve("ledger.db"), HOSTILE_ID) == ItemState.DEAD);
      ChromeDriver d = browser.driver();
      d.get("http://127.0.0.1:" + port + "/");
      await("the source card and the running item with its output").atMost(Duration.ofSeconds(30))
          .ignoreExceptions().until(() -> !d.findElements(By.cssSelector(".source[data-source='ideas']")).isEmpty()
              && d.findElement(By.cssSelector("#running .running-item[data-id='slow-1']")).getText().contains("slow-1")
              && d.findElement(By.cssSelector(".failure-item[data-state='dead']")) != null);
      // The output tail, opened: the markup the handler printed is there as text.
      click(d, "#running .running-item[data-id='slow-1'] summary");
      await("the output tail shown").atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
          d.findElement(By.cssSelector("#running .running-item[data-id='slow-1'] pre")).getText().contains("<script>"));
      WebElement card = d.findElement(By.cssSelector(".source[data-source='ideas']"));
      assertThat(card.getText()).contains("ideas").contains("RUNNING").contains("DEAD");
      WebElement dead = d.findElement(By.cssSelector(".failure-item[data-state='dead']"));
      assertThat(dead.findElement(By.cssSelector(".id")).getText()).isEqualTo(HOSTILE_ID);
      assertThat(dead.getText()).contains("<img src=x onerror=");
      JavascriptExecutor js = d;
      assertThat(d.getTitle()).isEqualTo("tended");
      assertThat(d.findElement(By.id("nodes-box")).isDisplayed()).as("no nodes on a ledger of one host").isFalse();
      assertThat(js.executeScript("return window.pwned === undefined")).isEqualTo(true);
      assertThat(js.executeScript("return document.querySelectorAll('#failures img, #failures script, #running script').length"))
          .isEqualTo(0L);
      browser.screenshot("dashboard-running-and-dead");

      // Without the token: refused by the server, the page says so, the item stays dead.
      click(d, ".failure-item[data-state='dead'] .act-retry");
      await("the refusal shown").atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> d.findElement(By.id("message")).getText().contains("refused"));
      assertThat(d.findElement(By.id("message")).getText()).contains("token");
      browser.screenshot("dashboard-retry-refused");
      awaitLogged(() ->
          assertThat(web.output()).contains("web_action action=retry").contains("outcome=unauthorized").doesNotContain(TOKEN));
      assertThat(state(c.dataDir().resolve("ledger.db"), HOSTILE_ID)).isEqualTo(ItemState.DEAD);

      // With the token (pasted once, kept in sessionStorage), the cause fixed: the worker applies the
      // retry, the page says done, and the ledger has the item pending, then succeeded.
      Files.delete(dir.resolve("broken"));
      d.findElement(By.id("token")).sendKeys(TOKEN);
      d.findElement(By.id("token-save")).click();
      assertThat(d.findElement(By.id("token-state")).getText()).contains("actions enabled");
      click(d, ".failure-item[data-state='dead'] .act-retry");
      await("the retry done").atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> d.findElement(By.id("message")).getText().contains("done"));
      assertThat(d.findElement(By.id("message")).getText()).contains("pending again");
      await("the retried item succeeded").atMost(Duration.ofSeconds(30))
          .until(() -> state(c.dataDir().resolve("ledger.db"), HOSTILE_ID) == ItemState.SUCCEEDED);
      assertThat(transitionsTo(c.dataDir().resolve("ledger.db"), HOSTILE_ID, ItemState.PENDING))
          .as("back to pending by the retry").isGreaterThanOrEqualTo(2);
      awaitLogged(() -> assertThat(web.output()).contains("outcome=done").doesNotContain(TOKEN));
      browser.screenshot("dashboard-retry-done");
      assertThat(d.getTitle()).isEqualTo("tended");
      Files.writeString(dir.resolve("release"), "");
    }
  }

  /** Clicks the element {@code css} finds, again if the page replaced it meanwhile (it refreshes every 2 s). */
  private static void click(ChromeDriver d, String css) {
    await("a click on " + css).atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      d.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthzFollowsTheVerdictAndMetricsPassPromtool() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    assertThat(promtool).as("promtool (Debian's prometheus; .ci/run installs it)").isExecutable();
    TestConfig c = config("{ staleAfter: 2s, startupGrace: 20s, stopGrace: 4s }");
    Queues.replaceAtomically(c.dataDir().resolve("ideas_log.json"), items("fine-1", "fine-2"));
    int port = freePort();
    try (WorkerProcess worker = WorkerProcess.startWorker(c.file(), c.dir().resolve("worker.out"));
        WorkerProcess web = startWeb(c, port)) {
      await("/healthz 200 with a beating worker").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> get(port, "/healthz").statusCode() == 200);
      assertThat(get(port, "/healthz").body()).contains("\"verdict\"");

      HttpResponse<String> metrics = get(port, "/metrics");
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
          assertThat(v).startsWith("text/plain; version=0.0.4"));
      assertThat(metrics.body()).contains("tended_items{source=\"ideas\"");
      Path file = dir.resolve("scraped.prom");
      Files.writeString(file, metrics.body());
      Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
          .redirectErrorStream(true).start();
      String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(check.exitValue()).as(out).isZero();

      worker.signal("STOP");
      try {
        HttpResponse<String>[] last = new HttpResponse[1];
        await("/healthz 503 once the frozen worker's heartbeat is older than staleAfter").atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(500)).until(() -> (last[0] = get(port, "/healthz")).statusCode() == 503);
        assertThat(last[0].body()).contains("\"verdict\":\"unhealthy\"").contains("status_file");
      } finally {
        worker.signal("CONT");
      }
      await("/healthz 200 again once the worker runs").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> get(port, "/healthz").statusCode() == 200);
    }
  }
}
