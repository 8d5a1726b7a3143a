package dev.tended.worker.handler;

/**
 * Starts one attempt of a handler: what the dispatcher needs of a handler, apart from how it runs.
 * The worker's is {@link CommandRunner} (a process per attempt); the benchmark of the worker's own
 * path passes one that ends every attempt at once, so that what is measured is tended alone.
 */
@FunctionalInterface
public interface HandlerStarter {
  /**
   * Starts the attempt described by {@code request}. Never throws for a program that cannot run:
   * the attempt then ends at once as {@link HandlerResult.Ending#FAILED_TO_START}.
   */
  RunningHandler start(HandlerRequest request);
}
