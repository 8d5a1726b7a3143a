package dev.tended.supervisor.web;

import dev.tended.config.TendedConfig;
import dev.tended.config.WebConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * A {@link WebServer} of the tests on a free loopback port with a client to ask it, so that each web
 * test starts the dashboard the same way: samples every hour (no chart work in the way), actions wait
 * 200 ms for a worker that never answers. Owned by the test thread; {@link #close()} stops it.
 */
final class RunningDashboard implements AutoCloseable {
  private final WebServer server;
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningDashboard(WebServer server, String base) {
    this.server = server;
    this.base = base;
  }

  /** The dashboard of {@code config}, started, with {@code clock} as its clock. */
  static RunningDashboard start(TendedConfig config, Clock clock) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    WebServer server = new WebServer(config, config.web().listeningOn(new WebConfig.Listen("127.0.0.1", port)),
        clock, Duration.ofHours(1), Duration.ofMillis(200));
    server.start();
    return new RunningDashboard(server, "http://127.0.0.1:" + port);
  }

  /** {@code http://127.0.0.1:PORT}. */
  String base() {
    return base;
  }

  /** {@code GET path} (with its query) with the headers given as name, value, name, value... */
  HttpResponse<String> get(String path, String... headers) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
  }

  /** {@code POST path} of a form ({@code application/x-www-form-urlencoded}) with the headers given. */
  HttpResponse<String> post(String path, String form, String... headers) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)), headers);
  }

  private HttpResponse<String> send(HttpRequest.Builder b, String... headers) throws Exception {
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.stop();
  }
}
