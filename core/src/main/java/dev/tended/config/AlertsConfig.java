package dev.tended.config;

import java.time.Duration;
import java.util.List;

/**
 * How tended tells a person that something is wrong ({@code alerts:}) instead of waiting to be asked:
 * a program run once when an alert starts firing and once when it resolves, and again every
 * {@code repeatEvery} while it fires.
 *
 * @param command argv run without a shell; empty = alerts are only logged
 * @param repeatEvery how often a firing alert is sent again
 * @param stuckAfter a source with due work and no attempt finished for this long is {@code work_stuck}
 * @param timeout how long one run of the command may take before it is killed (and retried)
 */
public record AlertsConfig(List<String> command, Duration repeatEvery, Duration stuckAfter, Duration timeout) {
  public static final Duration DEFAULT_REPEAT_EVERY = Duration.ofHours(4);
  public static final Duration DEFAULT_STUCK_AFTER = Duration.ofMinutes(30);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public static final AlertsConfig DEFAULT =
      new AlertsConfig(List.of(), DEFAULT_REPEAT_EVERY, DEFAULT_STUCK_AFTER, DEFAULT_TIMEOUT);

  public AlertsConfig {
    command = List.copyOf(command);
  }

  /** Whether a command is configured. */
  public boolean hasCommand() {
    return !command.isEmpty();
  }
}
