package dev.tended.ledger;

/**
 * A running attempt an operator asked to cancel through some node of a shared ledger
 * ({@link ItemLedger#askCancel}): what the node that runs it needs to stop its handler and say who
 * asked.
 *
 * @param seq the item version
 * @param source its source
 * @param id its id
 * @param askedBy who asked, as the request said
 */
public record CancelAsked(long seq, String source, String id, String askedBy) {}
