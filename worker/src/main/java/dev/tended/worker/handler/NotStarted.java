package dev.tended.worker.handler;

import java.util.Optional;

/**
 * The attempt of a program that could not be started, so that callers handle a bad program through
 * the same result as every other outcome instead of an exception.
 */
final class NotStarted implements RunningHandler {
  private final HandlerResult result;

  NotStarted(HandlerResult result) {
    this.result = result;
  }

  @Override
  public long pid() {
    return -1;
  }

  @Override
  public HandlerResult awaitResult() {
    return result;
  }

  @Override
  public void cancel() {
    // Nothing runs.
  }

  @Override
  public Optional<HandlerProcesses> processes() {
    return Optional.empty();
  }

  @Override
  public void detach() {
    // Nothing runs.
  }
}
