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
import java.util.List;
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
 *
 * <p>Logging never blocks the work: each output sits behind its own {@link DroppingAsyncAppender}, so
 * a stdout nobody reads (a stalled journald, a {@code | less}) drops and counts its lines
 * ({@link DropReport}) while the file keeps getting them, and the thread that logged goes on.
 * {@link #reopenFile()} reopens the file by name, for an external rotation ({@code logrotate}'s
 * {@code create}); the file is opened in append mode, so a {@code copytruncate} leaves no hole.
 *
 * <p>The outputs of the current setup are this class's state, replaced only by {@link #configure},
 * {@link #quiet} and {@link #shutdown} (on the main thread) and read by {@link #reopenFile()}.
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

  /** How long the stop waits for queued lines to reach the file, and stdout. */
  private static final int FILE_FLUSH_MILLIS = 5000;
  private static final int STDOUT_FLUSH_MILLIS = 1000;

  private static volatile Outputs current = Outputs.NONE;

  private LogSetup() {}

  /**
   * Replaces any earlier Logback setup; {@code name} is the process's name ({@code worker},
   * {@code supervisor}), the file's base name and the writer every line names.
   */
  public static void configure(LoggingConfig config, String name) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    release();
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

    // At the stop, the file is flushed first and may take longer: a blocked stdout must not hold the exit.
    DroppingAsyncAppender toFile = async(ctx, "file", file, FILE_FLUSH_MILLIS);
    DroppingAsyncAppender toStdout = async(ctx, "stdout", console, STDOUT_FLUSH_MILLIS);
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(toFile);
    root.addAppender(toStdout);
    current = new Outputs(file, List.of(toFile, toStdout), new DropReport(Map.of("stdout", toStdout, "file", toFile)));
    ctx.getLogger("org.quartz").setLevel(Level.WARN);
    ctx.getLogger("com.zaxxer.hikari").setLevel(Level.WARN); // the pool of Quartz's connections: its start and stop
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
   * Info and above to stdout only (the journal under systemd), behind the same never-blocking queue:
   * for {@code tended web}, which may not write to the data folder (its unit has it read-only), so it
   * keeps no log file of its own; lines name {@code process}.
   */
  public static void stdoutOnly(String process) {
    LoggerContext ctx = fresh();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("stdout");
    console.setEncoder(encoder(ctx, JournalStream.stdout() ? journalPattern(process) : filePattern(process)));
    console.start();
    DroppingAsyncAppender toStdout = async(ctx, "stdout", console, STDOUT_FLUSH_MILLIS);
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(toStdout);
    current = new Outputs(null, List.of(toStdout), new DropReport(Map.of("stdout", toStdout)));
  }

  /**
   * Warnings and errors to stderr only: for one-shot commands, whose stdout is their output, and for
   * the time before the configuration is read; lines name {@code process}.
   */
  public static void quiet(String process) {
    LoggerContext ctx = fresh();
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

  /** The context with the earlier setup released and reset, our pattern words registered. */
  private static LoggerContext fresh() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    release();
    ctx.reset();
    registerConverters(ctx);
    return ctx;
  }

  /** Flushes and closes the appenders; call last, when the process is about to exit. */
  public static void shutdown() {
    current.queues().forEach(LogSetup::awaitDrained);
    release();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
  }

  /**
   * Waits, at most its flush time, for {@code queue}'s thread to take every queued line: Logback's
   * stop interrupts that thread, which can cut a roll of the file short and lose what follows.
   */
  private static void awaitDrained(DroppingAsyncAppender queue) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(queue.getMaxFlushTime());
    while (queue.pending() > 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /**
   * Closes the log file and opens it again by its name ({@code SIGUSR1}, after {@code logrotate} has
   * renamed it): the next lines go to a new file of that name. Lines being written meanwhile wait for
   * the file's lock, none is lost. Logs {@code log_reopened}, or {@code log_reopen_failed} and goes on
   * with the old file. Does nothing before {@link #configure}.
   */
  public static void reopenFile() {
    RollingFileAppender<ILoggingEvent> file = current.file();
    if (file == null) {
      return;
    }
    var log = LoggerFactory.getLogger(LogSetup.class);
    try {
      file.openFile(file.getFile());
      log.info("log_reopened file={}", Kv.q(file.getFile()));
    } catch (java.io.IOException e) {
      log.error("log_reopen_failed file={} error={}", Kv.q(file.getFile()), Kv.q(e.getMessage()));
    }
  }

  /** {@code output} behind a never-blocking queue of its own, started. */
  private static DroppingAsyncAppender async(LoggerContext ctx, String name,
      ch.qos.logback.core.Appender<ILoggingEvent> output, int flushMillis) {
    DroppingAsyncAppender a = new DroppingAsyncAppender();
    a.setMaxFlushTime(flushMillis);
    a.setContext(ctx);
    a.setName(name + "-async");
    a.addAppender(output);
    a.start();
    return a;
  }

  /** The file appender and drop report of the current setup; {@link #NONE} when there is no file. */
  private record Outputs(RollingFileAppender<ILoggingEvent> file, List<DroppingAsyncAppender> queues, DropReport drops) {
    static final Outputs NONE = new Outputs(null, List.of(), null);

  }

  private static void release() {
    if (current.drops() != null) {
      current.drops().close();
    }
    current = Outputs.NONE;
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
