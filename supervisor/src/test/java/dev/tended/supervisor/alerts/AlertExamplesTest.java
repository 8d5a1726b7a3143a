package dev.tended.supervisor.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.Jars;
import dev.tended.testkit.TestConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped alert commands ({@code deploy/examples/alerts/}) run as tended runs them. */
class AlertExamplesTest {
  @TempDir Path dir;

  private static final Notification DEAD = new Notification(new AlertKey(Alert.ITEM_DEAD, "ideas"),
      Notification.FIRING, "1 item is dead; the newest: \"i1\" after 3 attempts, exit 2: C:\\ boom",
      Instant.parse("2026-12-02T06:00:00Z"), 0, null);

  private static Path example(String name) {
    return Jars.sourceTree().resolve("deploy/examples/alerts").resolve(name);
  }

  private AlertCommand.Outcome run(List<String> argv) throws InterruptedException {
    return new AlertCommand(argv, Duration.ofSeconds(30), "host-1", dir.resolve("stderr")).run(DEAD);
  }

  @Test
  void mailExampleHandsSendmailOneMailWithTheSummaryAsSubject() throws Exception {
    Path mail = dir.resolve("mail.txt");
    Path sendmail = TestConfig.executable(dir.resolve("sendmail"), "#!/bin/sh\necho \"$*\" > " + mail
        + ".argv\ncat > " + mail + "\n");
    AlertCommand.Outcome o = run(List.of(example("alert-mail.sh").toString(), "ops@example.com", sendmail.toString()));
    assertThat(o.failure()).isNull();
    assertThat(Files.readString(dir.resolve("mail.txt.argv")).strip()).isEqualTo("-oi -t");
    assertThat(Files.readAllLines(mail)).contains("To: ops@example.com",
        "Subject: " + DEAD.summary("host-1"), "alert:  item_dead", "state:  firing", "source: ideas",
        "host:   host-1");
  }

  @Test
  void webhookExamplePostsJsonReadingItsUrlFromAFile() throws Exception {
    AtomicReference<String> body = new AtomicReference<>();
    AtomicReference<String> type = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      body.set(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      type.set(exchange.getRequestHeaders().getFirst("Content-Type"));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    try {
      Path urlFile = dir.resolve("webhook.url");
      Files.writeString(urlFile, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=s3cret\n");
      AlertCommand.Outcome o = run(List.of(example("alert-webhook.sh").toString(), urlFile.toString()));
      assertThat(o.failure()).isNull();
    } finally {
      server.stop(0);
    }
    assertThat(type.get()).isEqualTo("application/json");
    JsonNode json = StatusFiles.mapper().readTree(body.get());
    assertThat(json.path("alert").asText()).isEqualTo("item_dead");
    assertThat(json.path("state").asText()).isEqualTo("firing");
    assertThat(json.path("source").asText()).isEqualTo("ideas");
    assertThat(json.path("host").asText()).isEqualTo("host-1");
    assertThat(json.path("detail").asText()).isEqualTo(DEAD.detail());
    assertThat(json.path("text").asText()).isEqualTo(DEAD.summary("host-1"));
  }

  @Test
  void webhookExampleFailsWhenTheServerRefuses() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
    });
    server.start();
    try {
      Path urlFile = dir.resolve("webhook.url");
      Files.writeString(urlFile, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook\n");
      assertThat(run(List.of(example("alert-webhook.sh").toString(), urlFile.toString())).failure())
          .startsWith("exit 22");
    } finally {
      server.stop(0);
    }
  }
}
