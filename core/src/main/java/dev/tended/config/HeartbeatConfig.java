package dev.tended.config;

import java.nio.file.Path;
import java.time.Duration;

/** Where the worker proves it is alive, and how often. {@code file} is absolute. */
public record HeartbeatConfig(Path file, Duration interval) {}
