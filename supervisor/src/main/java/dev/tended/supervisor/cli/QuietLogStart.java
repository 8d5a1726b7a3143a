package dev.tended.supervisor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first configuration in the supervisor's JVM, found by Logback through
 * {@code META-INF/services}: warnings and errors to stderr, as {@code LogSetup.quiet("supervisor")} sets up a
 * moment later, so that Logback does not parse {@code logback.xml} with Joran first (about a tenth of
 * a second of every start, for a set-up that {@link Cli} replaces at once).
 */
public final class QuietLogStart extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [supervisor:%thread] %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
    err.setContext(ctx);
    err.setName("stderr");
    err.setTarget("System.err");
    err.setEncoder(encoder);
    err.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(err);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
