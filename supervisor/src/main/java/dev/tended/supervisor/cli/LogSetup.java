package dev.tended.supervisor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.tended.config.LoggingConfig;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback in code once the configuration is known: one event per line,
 * {@code timestamp level [thread] event key=value...}, to stdout (journald under systemd) and to
 * {@code supervisor.log} in the configured folder, rolled by renaming so that {@code tail -F} follows.
 * The one-shot commands log warnings to stderr only, keeping stdout for their output.
 */
final class LogSetup {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %msg%n";

  private LogSetup() {}

  /** Warnings and errors to stderr only (before the configuration is read, and for one-shot commands). */
  static void quiet() {
    LoggerContext ctx = reset();
    ConsoleAppender<ILoggingEvent> err = console(ctx, "stderr", "System.err");
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(err);
  }

  /** Info and up to stdout and to {@code <dir>/supervisor.log}. */
  static void forSupervise(LoggingConfig config) {
    LoggerContext ctx = reset();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console(ctx, "stdout", "System.out"));

    Path file = config.dir().resolve("supervisor.log");
    RollingFileAppender<ILoggingEvent> roll = new RollingFileAppender<>();
    roll.setContext(ctx);
    roll.setName("file");
    roll.setFile(file.toString());
    FixedWindowRollingPolicy policy = new FixedWindowRollingPolicy();
    policy.setContext(ctx);
    policy.setParent(roll);
    policy.setFileNamePattern(config.dir().resolve("supervisor.%i.log").toString());
    policy.setMinIndex(1);
    policy.setMaxIndex(Math.max(1, config.maxHistory()));
    policy.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(ctx);
    trigger.setMaxFileSize(new FileSize(config.maxFileSizeBytes()));
    trigger.start();
    roll.setRollingPolicy(policy);
    roll.setTriggeringPolicy(trigger);
    roll.setEncoder(encoder(ctx));
    roll.start();
    root.addAppender(roll);
  }

  /** Flushes and closes the appenders (before exit). */
  static void close() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
  }

  private static LoggerContext reset() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    return ctx;
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext ctx, String name, String target) {
    ConsoleAppender<ILoggingEvent> a = new ConsoleAppender<>();
    a.setContext(ctx);
    a.setName(name);
    a.setTarget(target);
    a.setEncoder(encoder(ctx));
    a.start();
    return a;
  }

  private static PatternLayoutEncoder encoder(LoggerContext ctx) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern(PATTERN);
    e.start();
    return e;
  }
}
