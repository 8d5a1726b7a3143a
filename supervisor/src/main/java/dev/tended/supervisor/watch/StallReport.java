package dev.tended.supervisor.watch;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the watch loop knows at the moment it declares a stall, handed to a {@link StallEvidence}
 * to be written down before the worker is killed.
 *
 * @param process the live process to take a thread dump from, if any
 * @param reason one line: what did not happen for how long
 * @param timeline the recent events of the watch loop, oldest first
 * @param statusFile the heartbeat file, copied into the record as it is
 */
public record StallReport(
    Instant detectedAt, Optional<ProcessHandle> process, String reason, List<String> timeline, Path statusFile) {
  public StallReport {
    timeline = List.copyOf(timeline);
  }
}
