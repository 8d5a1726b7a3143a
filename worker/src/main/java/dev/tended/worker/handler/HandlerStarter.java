package dev.tended.worker.handler;

import dev.tended.ledger.HandlerRecord;

/**
 * Starts one attempt of a handler: what the dispatcher needs of a handler, apart from how it runs.
 * The worker's is {@link CommandRunner} (a process per attempt); the benchmark of the worker's own
 * path passes one that ends every attempt at once, so that what is measured is tended alone.
 */
public interface HandlerStarter {
  /**
   * Starts the attempt described by {@code request}. Never throws for a program that cannot run:
   * the attempt then ends at once as {@link HandlerResult.Ending#FAILED_TO_START}.
   */
  RunningHandler start(HandlerRequest request);

  /**
   * Takes over a handler an earlier worker started for {@code request} and recorded as
   * {@code recorded}: it goes on as if it had never been left (its timeout counted from its real
   * start, its output bounded, its exit status collected from its waiter's record when it ended
   * while no worker watched). Never throws: a handler that is gone without a recorded exit status
   * ends {@link HandlerResult.Ending#INTERRUPTED} at once.
   */
  RunningHandler adopt(HandlerRequest request, HandlerRecord recorded);
}
