package dev.tended.worker.handler;

import java.util.Optional;

/**
 * One attempt in progress, handed back by {@link CommandRunner#start} so that the thread that runs
 * the item can wait for it while the daemon's shutdown path can still stop it.
 *
 * <p>{@link #awaitResult()} does all the watching (timeout, output bounds, stopping leftovers) in the
 * calling thread; no other thread is created. {@link #cancel()} may be called from any thread.
 */
public interface RunningHandler {

  /** The handler's process id, which is also its process group id; -1 when it never started. */
  long pid();

  /**
   * Waits until the outcome is decided and every process of the attempt that could be found is gone,
   * then returns the result; later calls return the same result at once.
   *
   * @throws InterruptedException when the waiting thread is interrupted; the attempt is then
   *     stopped as if cancelled (bounded by the kill grace) before this throws, and later calls
   *     return that {@link HandlerResult.Ending#CANCELLED} result
   */
  HandlerResult awaitResult() throws InterruptedException;

  /**
   * Asks for the attempt to be stopped (SIGTERM, the kill grace, SIGKILL to the whole tree) and to
   * end {@link HandlerResult.Ending#CANCELLED}. Returns at once; the thread in {@link #awaitResult()}
   * acts on it within a few tens of milliseconds. Has no effect once the outcome is decided.
   */
  void cancel();

  /**
   * The processes of the attempt as the ledger records them once it started (waiter and handler, each
   * with its start time, and the boot), or empty when it never started.
   */
  Optional<HandlerProcesses> processes();

  /**
   * Lets go of the attempt without stopping it, for a hand-over to the next worker (a reload): the
   * handler keeps running under its waiter, its output waits in its pipes, and {@link #awaitResult()}
   * returns {@link HandlerResult.Ending#DETACHED} within a few tens of milliseconds. Has no effect once
   * the outcome is decided.
   */
  void detach();

  /**
   * The attempt's outcome is durable (recorded in the ledger, or its item handed back): the last trace
   * of the attempt, the exit status its waiter recorded, may go. Until then it is kept, so that a worker
   * that dies between the handler's end and that record leaves the next worker an exit status to
   * collect, rather than a handler gone without one, which would run again.
   */
  default void outcomeRecorded() {}
}
