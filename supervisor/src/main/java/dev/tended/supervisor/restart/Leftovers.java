package dev.tended.supervisor.restart;

import dev.tended.posix.ProcFs;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker left running by a supervisor that was killed without a chance to stop it (SIGKILL, OOM
 * killer). In child mode the new supervisor must not start a second worker on the same ledger and
 * queues, so it stops the leftover first (same TERM, CONT, grace, KILL as any stop).
 */
public final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /** Stops the worker named by {@code statusFile} if it still runs and is a tended worker. */
  public static void stopLeftoverWorker(Path statusFile, Duration grace) {
    WorkerStatus s;
    try {
      s = StatusFiles.read(statusFile);
    } catch (IOException | RuntimeException e) {
      return;
    }
    if ("stopped".equals(s.state()) || s.pid() == ProcessHandle.current().pid()) {
      return;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(s.pid()).filter(ProcessHandle::isAlive);
    if (p.isEmpty() || !ProcFs.cmdline(s.pid()).orElse("").contains("tended-worker")) {
      return;
    }
    log.warn("leftover_worker_found pid={} state={} sequence={} action=stopping", s.pid(), s.state(), s.sequence());
    WorkerTree.stop(p.get(), grace, "leftover");
  }
}
