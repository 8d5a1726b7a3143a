package dev.tended.config;

import java.time.Duration;

/**
 * How often and how patiently a failed item is tried again before it is declared dead, and how many
 * times an item may lose its attempt to its worker dying before it is set aside.
 *
 * @param maxAttempts attempts whose handler gave a verdict (or timed out, made no progress, went over
 *     a limit) before the item is dead
 * @param initialBackoff the wait before the second attempt; doubled each time
 * @param maxBackoff the longest wait between two attempts
 * @param maxInterruptions attempts interrupted by the worker's own death (the handler died with it:
 *     a power cut, the unit's cgroup killed) before the item is dead; they never count against
 *     {@code maxAttempts}
 */
public record RetryConfig(int maxAttempts, Duration initialBackoff, Duration maxBackoff, int maxInterruptions) {
  /** Interruptions an item may take before it is dead, unless configured. */
  public static final int DEFAULT_MAX_INTERRUPTIONS = 5;
}
