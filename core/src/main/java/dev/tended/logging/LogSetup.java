package dev.tended.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.tended.config.LoggingConfig;
import dev.tended.io.DataFolder;
import dev.tended.io.PlantedLinkException;
import java.io.IOException;
import java.nio.file.Path;
import ch.qos.logback.core.CoreConstants;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Points Logback at the configured log folder once the configuration is known: one event per line to
 * stdout (the journal under systemd) and to {@code <dir>/<name>.log}, rolled by size and day by
 * renaming, so {@code tail -F} follows the new file across a roll. Under journald
 * ({@code JOURNAL_STREAM} set) stdout lines carry the sd-daemon {@code <N>} priority prefix instead of
 * a timestamp, so {@code journalctl -p warning} filters them. An exception is rendered on its event's
 * line as an {@code exception="..."} field ({@link OneLineThrowableConverter}), never as a stack trace
 * over many lines. Every line names the process that wrote it with its thread, {@code [worker:main]},
 * {@code [supervisor:watch]}: in child mode both daemons write to one stream.
 */
public final class LogSetup {
  /** The file and terminal line: {@code TIME LEVEL [process:thread] event key=value}. */
  static String filePattern(String process) {
    return "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [" + process + ":%thread] %msg%onelineex%n";
  }

  /** The journal's line: the priority prefix, no timestamp (journald adds its own), the writer last. */
  static String journalPattern(String process) {
    return "%syslogprio%msg%onelineex [" + process + ":%thread]%n";
  }

  private LogSetup() {}

  /**
   * Replaces any earlier Logback setup; {@code name} is the process's name ({@code worker},
   * {@code supervisor}), the file's base name and the writer every line names.
   */
  public static void configure(LoggingConfig config, String name) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    registerConverters(ctx);

    boolean journal = JournalStream.stdout();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("stdout");
    console.setEncoder(encoder(ctx, journal ? journalPattern(name) : filePattern(name)));
    console.start();

    RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
    file.setContext(ctx);
    file.setName("file");
    file.setFile(config.dir().resolve(name + ".log").toString());
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(ctx);
    policy.setParent(file);
    policy.setFileNamePattern(config.dir().resolve(name + ".%d{yyyy-MM-dd}.%i.log.gz").toString());
    policy.setMaxFileSize(new FileSize(config.maxFileSizeBytes()));
    policy.setMaxHistory(config.maxHistory());
    policy.start();
    file.setRollingPolicy(policy);
    file.setEncoder(encoder(ctx, filePattern(name)));
    file.start();

    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    root.addAppender(file);
    ctx.getLogger("org.quartz").setLevel(Level.WARN);
  }

  /**
   * Creates the log folder before logging starts, refusing a symbolic link below {@code dataDir} at
   * the folder or at this process's log file: the file appender follows links, so a planted
   * {@code logs/} or {@code logs/worker.log} would have it append to the file the link names.
   *
   * @throws PlantedLinkException for such a link (the caller refuses to start)
   */
  public static void prepareFolder(LoggingConfig config, String name, Path dataDir) throws IOException {
    DataFolder.createDirectories(dataDir, config.dir());
    DataFolder.checkBelow(dataDir, config.dir().resolve(name + ".log"));
  }

  /**
   * Warnings and errors to stderr only: for one-shot commands, whose stdout is their output, and for
   * the time before the configuration is read; lines name {@code process}.
   */
  public static void quiet(String process) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    registerConverters(ctx);
    ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
    err.setContext(ctx);
    err.setName("stderr");
    err.setTarget("System.err");
    err.setEncoder(encoder(ctx, filePattern(process)));
    err.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(err);
  }

  /** Flushes and closes the appenders; call last, when the process is about to exit. */
  public static void shutdown() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
  }

  /** Our pattern words: {@code %syslogprio} and {@code %onelineex}. */
  static void registerConverters(LoggerContext ctx) {
    @SuppressWarnings("unchecked")
    Map<String, String> rules = (Map<String, String>) ctx.getObject(CoreConstants.PATTERN_RULE_REGISTRY);
    if (rules == null) {
      rules = new HashMap<>();
      ctx.putObject(CoreConstants.PATTERN_RULE_REGISTRY, rules);
    }
    rules.put("syslogprio", SyslogPriorityConverter.class.getName());
    rules.put("onelineex", OneLineThrowableConverter.class.getName());
  }

  private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern(pattern);
    e.start();
    return e;
  }
}
