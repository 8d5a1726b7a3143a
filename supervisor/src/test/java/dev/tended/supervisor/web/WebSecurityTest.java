package dev.tended.supervisor.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.testkit.TestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's security model over real HTTP (the JDK's client, a raw socket where the client will
 * not send a forged header): actions need the token (401 without, 403 wrong, 503 with no token file),
 * re-read at each request; cross-site requests and a foreign {@code Host} are refused; actions are POST
 * only with a bounded body; every reply carries the CSP, nosniff and no-store. No worker runs: an
 * authorised action is left as a request file and answered "accepted".
 */
class WebSecurityTest {
  private static final String TOKEN = "s3cret-token-for-tests";
  @TempDir Path dir;
  private TendedConfig config;
  private RunningDashboard dashboard;
  private String base;

  @BeforeEach
  void start() throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("h.sh", "exit 0"), ""));
    c.write();
    config = ConfigLoader.load(c.file());
    Files.createDirectories(config.controlDir().resolve("requests"));
    Files.writeString(config.web().tokenFile(), TOKEN + "\n");
    dashboard = RunningDashboard.start(config, Clock.systemUTC());
    base = dashboard.base();
  }

  @AfterEach
  void stop() {
    dashboard.close();
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return dashboard.post(path, body, headers);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    return dashboard.get(path, headers);
  }

  private long requestFiles() throws IOException {
    try (Stream<Path> s = Files.list(config.controlDir().resolve("requests"))) {
      return s.count();
    }
  }

  @Test
  void anActionWithoutTheTokenIsUnauthorisedAndLeavesNoRequest() throws Exception {
    HttpResponse<String> r = post("/api/pause", "source=ideas");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(r.body()).contains("\"outcome\":\"error\"").doesNotContain(TOKEN);
    assertThat(requestFiles()).isZero();
  }

  @Test
  void anActionWithAWrongTokenIsForbiddenAndLeavesNoRequest() throws Exception {
    HttpResponse<String> r = post("/api/pause", "source=ideas", "Authorization", "Bearer " + TOKEN + "x");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).doesNotContain(TOKEN);
    assertThat(requestFiles()).isZero();
  }

  @Test
  void anActionWithTheTokenIsLeftForTheWorkerAndAcceptedWhenNoneAnswers() throws Exception {
    HttpResponse<String> r = post("/api/pause", "source=ideas&drain=true", "Authorization", "Bearer " + TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.body()).contains("\"outcome\":\"accepted\"");
    assertThat(requestFiles()).isEqualTo(1);
    try (Stream<Path> s = Files.list(config.controlDir().resolve("requests"))) {
      String request = Files.readString(s.findFirst().orElseThrow());
      assertThat(request).contains("\"pause\"").contains("\"drain\" : true").contains("web remote=127.0.0.1");
    }
  }

  @Test
  void theTokenFileIsReadAgainAtEachRequestSoARotatedTokenTakesEffect() throws Exception {
    assertThat(post("/api/resume", "source=ideas", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(202);
    Files.writeString(config.web().tokenFile(), "rotated\n");
    assertThat(post("/api/resume", "source=ideas", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(403);
    assertThat(post("/api/resume", "source=ideas", "Authorization", "Bearer rotated").statusCode()).isEqualTo(202);
  }

  @Test
  void withoutATokenFileNoActionCanBeAuthorised() throws Exception {
    Files.delete(config.web().tokenFile());
    HttpResponse<String> r = post("/api/pause", "source=ideas", "Authorization", "Bearer ");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("no token");
    assertThat(requestFiles()).isZero();
  }

  @Test
  void aCrossSiteRequestIsRefusedEvenWithTheToken() throws Exception {
    assertThat(post("/api/pause", "source=ideas", "Authorization", "Bearer " + TOKEN, "Origin", "http://evil.example")
        .statusCode()).isEqualTo(403);
    assertThat(post("/api/pause", "source=ideas", "Authorization", "Bearer " + TOKEN, "Sec-Fetch-Site", "cross-site")
        .statusCode()).isEqualTo(403);
    assertThat(get("/api/board", "Sec-Fetch-Site", "same-site").statusCode()).isEqualTo(403);
    assertThat(requestFiles()).isZero();
    assertThat(get("/api/board", "Origin", base, "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(200);
  }

  @Test
  void aForeignHostHeaderIsMisdirectedAgainstDnsRebinding() throws Exception {
    int port = URI.create(base).getPort();
    assertThat(rawStatus("GET /api/board HTTP/1.1\r\nHost: evil.example:" + port + "\r\nConnection: close\r\n\r\n"))
        .isEqualTo(421);
    assertThat(rawStatus("GET /healthz HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n")).isEqualTo(421);
    assertThat(rawStatus("GET /api/status HTTP/1.1\r\nHost: evil.example:" + port + "\r\nConnection: close\r\n\r\n"))
        .isEqualTo(421);
    assertThat(rawStatus("GET /api/item?source=ideas&id=x HTTP/1.1\r\nHost: evil.example:" + port
        + "\r\nConnection: close\r\n\r\n")).isEqualTo(421);
    assertThat(rawStatus("GET /api/status HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n"))
        .as("served, but no ledger yet").isEqualTo(503);
    assertThat(rawStatus("GET /api/board HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n"))
        .isEqualTo(200);
  }

  @Test
  void actionsArePostOnlyAndTheirBodiesAreBounded() throws Exception {
    HttpResponse<String> getAction = get("/api/retry?source=ideas&id=x");
    assertThat(getAction.statusCode()).isEqualTo(405);
    assertThat(getAction.headers().firstValue("Allow")).hasValue("POST");
    assertThat(post("/api/board", "").statusCode()).isEqualTo(405);
    String big = "source=ideas&id=" + "x".repeat(Router.MAX_BODY);
    assertThat(post("/api/retry", big, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(413);
    assertThat(get("/etc/passwd").statusCode()).isEqualTo(404);
    assertThat(get("/../../etc/passwd").statusCode()).isEqualTo(404);
    assertThat(requestFiles()).isZero();
  }

  @Test
  void everyReplyCarriesTheContentSecurityPolicyAndTheApiIsNeverCached() throws Exception {
    for (String path : new String[] {"/", "/app.js", "/api/board", "/api/stalls", "/api/status",
        "/api/item?source=ideas&id=x", "/metrics", "/nope"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
          .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'").contains("frame-ancestors 'none'"));
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
    }
    for (String path : new String[] {"/api/board", "/api/status", "/api/item?source=ideas&id=x"}) {
      assertThat(get(path).headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
    }
    assertThat(get("/metrics").headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    assertThat(get("/").body()).contains("<script src=\"/app.js\"");
  }

  @Test
  void aRetryOfAnItemTheLedgerDoesNotHoldIsRefusedWithoutARequest() throws Exception {
    HttpResponse<String> r = post("/api/retry", "source=ideas&id=nope", "Authorization", "Bearer " + TOKEN);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).contains("\"outcome\":\"refused\"");
    assertThat(post("/api/retry", "source=other&id=x", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
    assertThat(requestFiles()).isZero();
  }

  /** The status of a request sent as bytes, for headers the JDK's client will not forge ({@code Host}). */
  private int rawStatus(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", URI.create(base).getPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(head.substring(9, 12));
    }
  }
}
