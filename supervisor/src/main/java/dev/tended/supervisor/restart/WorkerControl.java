package dev.tended.supervisor.restart;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The one thing the watch loop can do to the worker, whichever way it runs: as the supervisor's own
 * child ({@code restartWith: child}) or as a systemd unit ({@code restartWith: systemctl}). The loop's
 * decisions are the same for both; only these actions differ.
 *
 * <p>Called from the watch thread only.
 */
public interface WorkerControl {
  /** {@code child} or {@code systemctl}, for logs and the restart file. */
  String mode();

  /**
   * Brings the worker up when the supervisor starts: child mode starts it; systemctl mode leaves the
   * unit to systemd. Returns the pid whose heartbeats count, when known.
   */
  OptionalLong startInitially() throws IOException;

  /** Starts the worker again after a crash or a stall (child: a new process; systemctl: {@code systemctl restart}). */
  OptionalLong relaunch() throws IOException;

  /** The exit code once the child has exited; always empty in systemctl mode (systemd restarts crashes). */
  OptionalInt exitCode();

  /** The pid of the running child, if any. */
  OptionalLong pid();

  /**
   * Whether a status file written by {@code statusPid} is this worker's: the child or one of its
   * descendants in child mode (a wrapper script may sit between), anything in systemctl mode.
   */
  boolean owns(long statusPid);

  /** The process to take evidence from before a restart: the child, or the live pid of the status file. */
  Optional<ProcessHandle> evidenceProcess(OptionalLong statusPid);

  /** Stops a stalled worker before {@link #relaunch()} (child: TERM, CONT, grace, KILL of the tree; systemctl: nothing). */
  void stopForRestart();

  /** Stops the worker for good when the supervisor stops (child: as above; systemctl: leaves the unit alone). */
  void stop();

  /**
   * A reload: asks the worker to hand over (child: SIGHUP, then waits up to {@code limit} for its exit
   * 75, else stops it as {@link #stop()} does; systemctl: {@code systemctl reload <unit>}). Running
   * handlers are left running for the next worker. The next worker is not started here.
   */
  default HandOver handOver(java.time.Duration limit) throws IOException {
    stop();
    return new HandOver("stopped", null, 0);
  }

  /**
   * Collects processes re-parented to the supervisor that have ended (waiters and handlers of a dead
   * worker), never the worker itself, whose exit status the JDK collects. Called on every check.
   */
  default void reapOrphans() {}
}
