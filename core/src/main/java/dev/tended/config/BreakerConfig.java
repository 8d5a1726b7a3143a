package dev.tended.config;

import java.time.Duration;

/**
 * When a source's handler keeps failing, stop feeding it for a while: the breaker opens after
 * {@code failureThreshold} consecutive failures and lets one trial item through after {@code openFor}.
 */
public record BreakerConfig(int failureThreshold, Duration openFor) {}
