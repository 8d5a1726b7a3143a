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
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[worker:[^]]+] item_succeeded source=ideas id=\\d+ attempt=1 note=\"two words\""));
    assertThat(lines.get(lines.size() - 1)).contains("id=399 ");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.matches("worker\\.\\d{4}-\\d\\d-\\d\\d\\.\\d+\\.log\\.gz"));
    }
  }

  @Test
  void anExceptionIsLoggedOnItsEventsOwnLineWithBoundedFrames() throws Exception {
    LogSetup.configure(new LoggingConfig(dir, 1024 * 1024, 5), "worker");
    Logger log = LoggerFactory.getLogger("test");
    Exception e = new IllegalStateException("outer\nsecond line", new java.io.IOException("disk full"));
    log.error("dispatch_failed error={}", Kv.q(e.getMessage()), e);
    log.info("after_it");
    LogSetup.shutdown();

    List<String> lines = Files.readAllLines(dir.resolve("worker.log"));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches(".* ERROR \\[[^]]+] dispatch_failed error=\"outer\\\\nsecond line\""
        + " exception=\"java.lang.IllegalStateException: outer\\\\nsecond line \\| at .*"
        + " \\| caused by: java.io.IOException: disk full \\| at .*\"");
    assertThat(lines.get(0).split(" \\| at ", -1).length - 1)
        .isLessThanOrEqualTo(2 * OneLineThrowableConverter.FRAMES);
    assertThat(lines.get(1)).endsWith("after_it");
  }

  @Test
  void journalLinesKeepTheirPriorityPrefixAndPutTheExceptionOnTheSameLine() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.PatternLayout layout = new ch.qos.logback.classic.PatternLayout();
    layout.setContext(ctx);
    layout.getInstanceConverterMap().put("syslogprio", SyslogPriorityConverter.class.getName());
    layout.getInstanceConverterMap().put("onelineex", OneLineThrowableConverter.class.getName());
    layout.setPattern(LogSetup.journalPattern("worker"));
    layout.start();
    ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(
        "x", ctx.getLogger("test"), ch.qos.logback.classic.Level.WARN, "poll_failed source=ideas",
        new RuntimeException("boom"), null);
    String line = layout.doLayout(event);
    assertThat(line).startsWith("<4>poll_failed source=ideas exception=\"java.lang.RuntimeException: boom | at ")
        .endsWith(" [worker:main]" + System.lineSeparator());
    assertThat(line.strip()).doesNotContain("\n");
  }

  @Test
  void valuesWithSpacesQuotesOrNewlinesStayOnOneQuotedField() {
    assertThat(Kv.q("plain-token")).isEqualTo("plain-token");
    assertThat(Kv.q("two words")).isEqualTo("\"two words\"");
    assertThat(Kv.q("say \"hi\"\nbye")).isEqualTo("\"say \\\"hi\\\"\\nbye\"");
    assertThat(Kv.q(null)).isEqualTo("-");
  }
}
