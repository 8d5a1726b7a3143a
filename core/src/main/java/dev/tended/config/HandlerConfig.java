package dev.tended.config;

import java.time.Duration;
import java.util.List;

/**
 * The program run for each item of a source, how long one attempt may take, and how much of its
 * output is kept.
 *
 * @param command argv; the first element, when relative and containing a slash, was resolved
 *     against the configuration file's folder
 * @param timeout the longest one attempt may run before its whole process tree is stopped
 * @param killGrace time between SIGTERM and SIGKILL when an attempt is stopped
 * @param maxOutputBytes the most of stdout and of stderr kept per attempt
 * @param progressTimeout how long a handler may go without touching {@code $TENDED_PROGRESS_FILE} or
 *     writing output before it is stopped ({@code no-progress}); zero = off
 * @param limits what the handler's process tree may use
 * @param warnAfter handlers running longer than this are listed by {@code health-diagnose}; zero = off
 */
public record HandlerConfig(
    List<String> command, Duration timeout, Duration killGrace, long maxOutputBytes, Duration progressTimeout,
    HandlerLimits limits, Duration warnAfter) {
  public HandlerConfig {
    command = List.copyOf(command);
  }

  /** A handler that {@code health-diagnose} never warns about. */
  public HandlerConfig(List<String> command, Duration timeout, Duration killGrace, long maxOutputBytes,
      Duration progressTimeout, HandlerLimits limits) {
    this(command, timeout, killGrace, maxOutputBytes, progressTimeout, limits, Duration.ZERO);
  }

  /** A handler without a progress timeout or limits. */
  public HandlerConfig(List<String> command, Duration timeout, Duration killGrace, long maxOutputBytes) {
    this(command, timeout, killGrace, maxOutputBytes, Duration.ZERO, HandlerLimits.NONE);
  }
}
