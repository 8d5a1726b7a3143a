package dev.tended.supervisor.alerts;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.LedgerStores;
import dev.tended.logging.Kv;
import dev.tended.status.LedgerDamage;
import dev.tended.status.SourceStatus;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.StateFile;
import dev.tended.supervisor.restart.SupervisorState;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the alerts are judged from: {@code status.json}, {@code supervisor-state.json}, the
 * ledger-damage mark, the data folder's free space, and (only for sources with dead items) the newest
 * dead item through a read-only ledger view, opened for that read only.
 *
 * <p>Not thread-safe: owned by the evaluation thread.
 */
final class AlertInputs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertInputs.class);

  private final TendedConfig config;
  private LedgerView view;
  private String lastLedgerError;

  AlertInputs(TendedConfig config) {
    this.config = config;
  }

  Observed read() {
    Observed.Reading<WorkerStatus> status = status();
    try {
      return new Observed(status, supervisor(), disk(), damage(), newestDead(status.value()));
    } finally {
      // Not kept open: a ledger replaced meanwhile (tended recover-ledger) is read afresh.
      close();
    }
  }

  private Observed.Reading<WorkerStatus> status() {
    try {
      return Observed.Reading.of(StatusFiles.read(config.heartbeat().file()));
    } catch (NoSuchFileException e) {
      return Observed.Reading.absent();
    } catch (IOException | RuntimeException e) {
      log.debug("alert_input_unreadable file={} error={}", Kv.q(config.heartbeat().file()), Kv.q(e.getMessage()));
      return Observed.Reading.unreadable();
    }
  }

  private Observed.Reading<SupervisorState> supervisor() {
    try {
      return StateFile.read(StateFile.in(config.dataDir())).map(Observed.Reading::of)
          .orElseGet(Observed.Reading::absent);
    } catch (IOException | RuntimeException e) {
      log.debug("alert_input_unreadable file={} error={}", Kv.q(StateFile.in(config.dataDir())), Kv.q(e.getMessage()));
      return Observed.Reading.unreadable();
    }
  }

  private Observed.Reading<Observed.DiskSpace> disk() {
    try {
      FileStore store = Files.getFileStore(config.dataDir());
      return Observed.Reading.of(new Observed.DiskSpace(store.getUsableSpace(), store.getTotalSpace()));
    } catch (IOException | RuntimeException e) {
      log.debug("alert_input_unreadable file={} error={}", Kv.q(config.dataDir()), Kv.q(e.getMessage()));
      return Observed.Reading.unreadable();
    }
  }

  private Observed.Reading<LedgerDamage> damage() {
    try {
      return LedgerDamage.read(config.dataDir()).map(Observed.Reading::of).orElseGet(Observed.Reading::absent);
    } catch (IOException | RuntimeException e) {
      log.debug("alert_input_unreadable file={} error={}", Kv.q(LedgerDamage.in(config.dataDir())),
          Kv.q(e.getMessage()));
      return Observed.Reading.unreadable();
    }
  }

  /** The newest dead item of each source that has dead items; sources the ledger cannot tell about are left out. */
  private Map<String, ItemRecord> newestDead(Optional<WorkerStatus> status) {
    Map<String, ItemRecord> out = new LinkedHashMap<>();
    if (status.isEmpty()) {
      return out;
    }
    for (Map.Entry<String, SourceStatus> e : status.get().sources().entrySet()) {
      if (e.getValue().dead() <= 0) {
        continue;
      }
      try {
        if (view == null) {
          view = LedgerStores.of(config).openView();
        }
        view.newestInState(e.getKey(), ItemState.DEAD).ifPresent(r -> out.put(e.getKey(), r));
        lastLedgerError = null;
      } catch (RuntimeException ex) {
        String error = String.valueOf(ex.getMessage());
        if (!error.equals(lastLedgerError)) {
          log.warn("alert_ledger_unreadable ledger={} error={} action=detail_without_item",
              Kv.q(LedgerStores.of(config).describe()), Kv.q(error));
          lastLedgerError = error;
        }
        close();
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (view != null) {
      try {
        view.close();
      } catch (RuntimeException e) {
        log.debug("alert_input_unreadable file={} error={}", Kv.q(LedgerStores.of(config).describe()), Kv.q(e.getMessage()));
      }
      view = null;
    }
  }
}
