package dev.tended.status;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The heartbeat status file ({@code status.json}): the worker's proof that it is alive and making
 * progress, read by the supervisor, {@code health-diagnose} and people. {@code sequence} grows by one
 * with every beat; a beat is only written while every poller and the dispatcher are completing cycles.
 *
 * <p>Scripts read it, so its shape is an interface: {@code sources} keeps the order it was given in
 * (the configuration's), and fields are only ever added.
 *
 * @param state {@code starting}, {@code running}, {@code stopping} or {@code stopped}
 * @param sources per source, in the configuration's order
 * @param fastPath whether the file-change fast path is on; null in a file written by a worker that
 *     did not report it
 * @param ledger whether the database of a shared ledger is reached; null (absent from the file) on
 *     SQLite and in a file written before there was a shared ledger
 */
public record WorkerStatus(
    int schema,
    long pid,
    String state,
    String version,
    Instant startedAt,
    Instant updatedAt,
    long sequence,
    Map<String, SourceStatus> sources,
    FastPath fastPath,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    LedgerReach ledger) {
  public static final int SCHEMA = 1;

  public WorkerStatus {
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /** A status that does not report the ledger's reach (a worker on SQLite). */
  public WorkerStatus(int schema, long pid, String state, String version, Instant startedAt, Instant updatedAt,
      long sequence, Map<String, SourceStatus> sources, FastPath fastPath) {
    this(schema, pid, state, version, startedAt, updatedAt, sequence, sources, fastPath, null);
  }

  /** A status that does not report the fast path. */
  public WorkerStatus(int schema, long pid, String state, String version, Instant startedAt, Instant updatedAt,
      long sequence, Map<String, SourceStatus> sources) {
    this(schema, pid, state, version, startedAt, updatedAt, sequence, sources, null, null);
  }
}
