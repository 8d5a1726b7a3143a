package dev.tended.supervisor.restart;

import dev.tended.io.DataFolderLock;
import dev.tended.logging.Kv;
import dev.tended.posix.FileLocks;
import dev.tended.posix.ProcFs;
import dev.tended.posix.Signal;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker left running by a supervisor that was killed without a chance to stop it (SIGKILL, OOM
 * killer). In child mode the new supervisor must not start a second worker on the same ledger and
 * queues, so it stops the leftover first: HUP (a worker that can still act hands over and exits 75,
 * leaving its handlers for the next worker to adopt), CONT, grace, KILL; recorded handlers are spared
 * ({@link RecordedHandlers}).
 *
 * <p>The rule: a supervisor signals only a process it can prove is its own. The proof is the kernel's
 * word that the process holds this data folder's {@code worker.lock} ({@link DataFolderLock#heldBy}):
 * only a worker running on this folder can hold it, the kernel drops it when that worker dies, and
 * it is asked of the process as it is now. What is not proof: the pid in {@code status.json} (it
 * outlives its worker, and the pid may have been given to another process since, even another
 * instance's worker), a command line naming {@code tended-worker} (every instance's worker has one),
 * the pid written into the lock file. A worker named by the status file that does not hold the lock
 * is left alone and said so ({@code leftover_worker_left_alone}). Stateless.
 */
public final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /**
   * Stops the worker that holds {@code dataDir}'s worker lock, if one does; {@code statusFile} is
   * read only to say what is left alone.
   */
  public static void stopLeftoverWorker(Path dataDir, Path statusFile, Duration grace, RecordedHandlers spare) {
    Path lock = dataDir.resolve(DataFolderLock.WORKER);
    Optional<ProcessHandle> leftover = lockHolder(lock);
    if (leftover.isEmpty()) {
      reportUnproven(statusFile, lock);
      return;
    }
    ProcessHandle p = leftover.get();
    log.warn("leftover_worker_found pid={} proof=holds_lock lock={} action=hand_over", p.pid(), lock);
    WorkerTree.stop(p, grace, "leftover", Signal.HUP, spare);
  }

  /**
   * The process holding {@code lock}, as a handle taken while it held it: the lock is asked again
   * after the handle is taken, so a holder that ended in between (its pid perhaps reused) is not
   * returned, and the handle's start time keeps any later signal from reaching a reused pid.
   */
  private static Optional<ProcessHandle> lockHolder(Path lock) {
    OptionalLong pid = DataFolderLock.heldBy(lock);
    if (pid.isEmpty() || pid.getAsLong() == ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive);
    OptionalLong again = DataFolderLock.heldBy(lock);
    if (h.isEmpty() || again.isEmpty() || again.getAsLong() != pid.getAsLong()) {
      return Optional.empty();
    }
    return h;
  }

  /** The status file names a live worker that does not hold the lock: left alone, and said so. */
  private static void reportUnproven(Path statusFile, Path lock) {
    WorkerStatus s;
    try {
      s = StatusFiles.read(statusFile);
    } catch (IOException | RuntimeException e) {
      return;
    }
    if ("stopped".equals(s.state()) || s.pid() == ProcessHandle.current().pid() || !ProcFs.running(s.pid())) {
      return;
    }
    String why = FileLocks.available() ? "does_not_hold_lock" : "lock_holder_unknowable";
    log.warn("leftover_worker_left_alone pid={} state={} reason={} lock={} cmdline={}", s.pid(), s.state(), why,
        lock, Kv.q(ProcFs.cmdline(s.pid()).orElse("")));
  }
}
