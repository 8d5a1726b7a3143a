package dev.tended.worker.dispatch;

import dev.tended.worker.handler.HandlerProcesses;
import java.util.Optional;

/**
 * Finds the processes of an attempt by its marker ({@code TENDED_WAITER} / {@code TENDED_ATTEMPT_TOKEN}
 * in their environment) when the ledger holds none for it: its worker died between the claim and
 * recording the handler's start, so only the marker, durable since the claim, leads to them.
 */
@FunctionalInterface
public interface HandlerFinder {
  /** The attempt's waiter and handler, when a process carrying {@code token} still runs. */
  Optional<HandlerProcesses> byToken(String token);

  /** Finds nothing: for handlers that cannot outlive their worker. */
  HandlerFinder NONE = token -> Optional.empty();
}
