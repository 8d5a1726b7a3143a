package dev.tended.ledger;

/**
 * A running attempt another node took over because its node stopped renewing the lease
 * ({@link ItemLedger#takeOverExpired}): the item as it is now (pending, or dead once interrupted too
 * often) and the node that lost it, for the log.
 */
public record TakenOver(ItemRecord item, String fromNode) {}
