package dev.tended.config;

import java.nio.file.Path;

/**
 * Where the rolling log files go and how many are kept. {@code dir} is absolute.
 *
 * @param maxFileSizeBytes a log file is rolled when it grows past this
 * @param maxHistory how many rolled files are kept
 */
public record LoggingConfig(Path dir, long maxFileSizeBytes, int maxHistory) {}
