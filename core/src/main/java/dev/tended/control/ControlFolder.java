package dev.tended.control;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The layout of {@code dataDir/control/}: {@code requests/} (group-writable and setgid, like the queue
 * folders: anyone in the {@code tended} group may leave a request), {@code answers/} (the worker's,
 * group-readable) and {@code rejected/} (request files the worker could not read, kept for a person to
 * look at). One place that names them, for the commands, the dashboard and the worker.
 */
public record ControlFolder(Path dir) {
  /** Request files end so; anything else in {@code requests/} (temporary files of a write) is not a request. */
  public static final String REQUEST_SUFFIX = ".json";

  public ControlFolder {
    Objects.requireNonNull(dir);
  }

  public Path requests() {
    return dir.resolve("requests");
  }

  public Path answers() {
    return dir.resolve("answers");
  }

  public Path rejected() {
    return dir.resolve("rejected");
  }

  /** Where request {@code requestId} is left. */
  public Path requestFile(String requestId) {
    return requests().resolve(requestId + REQUEST_SUFFIX);
  }

  /** Where the answer to {@code requestId} is written. */
  public Path answerFile(String requestId) {
    return answers().resolve(requestId + REQUEST_SUFFIX);
  }
}
