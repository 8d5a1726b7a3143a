package dev.tended.supervisor.alerts;

import dev.tended.ledger.ItemRecord;
import dev.tended.status.LedgerDamage;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.SupervisorState;
import java.util.Map;
import java.util.Optional;

/**
 * What one evaluation read. Each input is a {@link Reading}: present, absent (no such file yet) or
 * unreadable (then the alerts that depend on it are not judged this time).
 *
 * @param newestDead per source with dead items, the newest dead one, where the ledger could tell
 */
record Observed(
    Reading<WorkerStatus> status,
    Reading<SupervisorState> supervisor,
    Reading<DiskSpace> disk,
    Reading<LedgerDamage> ledgerDamage,
    Map<String, ItemRecord> newestDead) {
  Observed {
    newestDead = Map.copyOf(newestDead);
  }

  /** An input: {@code readable} false means it could not be read (not that it is absent). */
  record Reading<T>(Optional<T> value, boolean readable) {
    static <T> Reading<T> of(T value) {
      return new Reading<>(Optional.of(value), true);
    }

    static <T> Reading<T> absent() {
      return new Reading<>(Optional.empty(), true);
    }

    static <T> Reading<T> unreadable() {
      return new Reading<>(Optional.empty(), false);
    }
  }

  /** The data folder's file system: bytes free (usable) of total. */
  record DiskSpace(long free, long total) {}
}
