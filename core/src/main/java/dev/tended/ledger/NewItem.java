package dev.tended.ledger;

/** An item just read from a queue, not yet known to be new: identity, version and payload. */
public record NewItem(String id, String contentHash, String payload) {}
