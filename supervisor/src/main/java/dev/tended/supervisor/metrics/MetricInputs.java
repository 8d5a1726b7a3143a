package dev.tended.supervisor.metrics;

import dev.tended.ledger.AttemptStats;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.SupervisorState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything one exposition is made of, read once from disk at {@code now}: each input that could not
 * be read is empty, and only the metrics made from it are left out ({@link Exposition}).
 *
 * @param now when the inputs were read: ages are measured to it
 * @param sources the configuration's sources, in its order
 * @param staleAfter {@code supervisor.staleAfter}: an older heartbeat means the worker is not up
 * @param stuckAfter {@code alerts.stuckAfter}, for {@code tended_work_stuck}
 * @param status the worker's {@code status.json}
 * @param attempts the ledger's attempt totals per source
 * @param supervisor the supervisor's {@code supervisor-state.json}
 * @param ledgerBytes the ledger's database file plus its write-ahead log
 * @param dataFreeBytes the bytes free for tended on the data folder's file system
 * @param dataFilesystemBytes the size of that file system
 */
record MetricInputs(
    Instant now,
    List<String> sources,
    Duration staleAfter,
    Duration stuckAfter,
    Optional<WorkerStatus> status,
    Optional<Map<String, AttemptStats>> attempts,
    Optional<SupervisorState> supervisor,
    OptionalLong ledgerBytes,
    OptionalLong dataFreeBytes,
    OptionalLong dataFilesystemBytes) {
  MetricInputs {
    Objects.requireNonNull(now);
    sources = List.copyOf(sources);
    Objects.requireNonNull(staleAfter);
    Objects.requireNonNull(stuckAfter);
    Objects.requireNonNull(status);
    attempts = attempts.map(Map::copyOf);
    Objects.requireNonNull(supervisor);
    Objects.requireNonNull(ledgerBytes);
    Objects.requireNonNull(dataFreeBytes);
    Objects.requireNonNull(dataFilesystemBytes);
  }
}
