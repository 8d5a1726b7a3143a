package dev.tended.ledger;

import java.util.Optional;

/**
 * An item the ledger holds as {@code running}, with its handler's processes when they were recorded:
 * what a starting worker adopts, collects or declares interrupted, and what the supervisor spares.
 * No handler means the worker died between the claim and the handler's start (or while recording
 * it): its processes, if any, carry the item's {@link ItemRecord#attemptToken()}.
 *
 * @param node the node whose attempt it is (empty when recorded before nodes were)
 */
public record RunningItem(ItemRecord item, Optional<HandlerRecord> handler, String node) {
  public RunningItem(ItemRecord item, Optional<HandlerRecord> handler) {
    this(item, handler, "");
  }
}
