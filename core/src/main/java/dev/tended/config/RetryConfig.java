package dev.tended.config;

import java.time.Duration;

/** How often and how patiently a failed item is tried again before it is declared dead. */
public record RetryConfig(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {}
