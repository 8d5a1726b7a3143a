package dev.tended.status;

import java.time.Instant;
import java.util.Map;

/**
 * The heartbeat status file ({@code status.json}): the worker's proof that it is alive and making
 * progress, read by the supervisor, {@code health-diagnose} and people. {@code sequence} grows by one
 * with every beat; a beat is only written while every poller and the dispatcher are completing cycles.
 *
 * @param state {@code starting}, {@code running}, {@code stopping} or {@code stopped}
 */
public record WorkerStatus(
    int schema,
    long pid,
    String state,
    String version,
    Instant startedAt,
    Instant updatedAt,
    long sequence,
    Map<String, SourceStatus> sources) {
  public static final int SCHEMA = 1;

  public WorkerStatus {
    sources = Map.copyOf(sources);
  }
}
