package dev.tended.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.tended.config.LoggingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogSetupTest {
  @TempDir Path dir;

  @AfterEach
  void restoreTestLogging() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    JoranConfigurator c = new JoranConfigurator();
    c.setContext(ctx);
    c.doConfigure(getClass().getResource("/logback-test.xml"));
  }

  @Test
  void eventsAreOneLineEachAndTheFileRollsByRenamingSoTheNameAlwaysHoldsTheNewest() throws Exception {
    LogSetup.configure(new LoggingConfig(dir, 4096, 5), "worker");
    Logger log = LoggerFactory.getLogger("test");
    for (int i = 0; i < 400; i++) {
      log.info("item_succeeded source=ideas id={} attempt=1 note={}", i, Kv.q("two words"));
    }
    LogSetup.shutdown();

    List<String> lines = Files.readAllLines(dir.resolve("worker.log"));
    assertThat(lines).isNotEmpty().allMatch(l -> l.matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[[^]]+] item_succeeded source=ideas id=\\d+ attempt=1 note=\"two words\""));
    assertThat(lines.get(lines.size() - 1)).contains("id=399 ");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.matches("worker\\.\\d{4}-\\d\\d-\\d\\d\\.\\d+\\.log\\.gz"));
    }
  }

  @Test
  void valuesWithSpacesQuotesOrNewlinesStayOnOneQuotedField() {
    assertThat(Kv.q("plain-token")).isEqualTo("plain-token");
    assertThat(Kv.q("two words")).isEqualTo("\"two words\"");
    assertThat(Kv.q("say \"hi\"\nbye")).isEqualTo("\"say \\\"hi\\\"\\nbye\"");
    assertThat(Kv.q(null)).isEqualTo("-");
  }
}
