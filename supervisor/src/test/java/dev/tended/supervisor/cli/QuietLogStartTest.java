package dev.tended.supervisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The supervisor's first Logback set-up: found as a service, so logback.xml is never parsed. */
class QuietLogStartTest {
  @Test
  void logbackFindsTheQuietStartAsItsConfigurator() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(p -> p.type().getName()))
        .contains(QuietLogStart.class.getName());
  }

  @Test
  void quietStartSendsWarningsToStderrAndStopsLogbackLookingFurther() {
    LoggerContext ctx = new LoggerContext();

    Configurator.ExecutionStatus status = new QuietLogStart().configure(ctx);

    assertThat(status).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(root.getAppender("stderr")).isInstanceOfSatisfying(ConsoleAppender.class,
        a -> assertThat(a.getTarget()).isEqualTo("System.err"));
  }
}
