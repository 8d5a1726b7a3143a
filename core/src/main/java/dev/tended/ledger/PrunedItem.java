package dev.tended.ledger;

import java.time.Instant;

/**
 * One finished item version that retention removed from the ledger (or, in a dry run, would remove):
 * what is needed to remove its files afterwards and what its identity record keeps.
 *
 * @param seq its first-seen position (gone from the ledger once pruned)
 * @param outcome SUCCEEDED or DEAD
 * @param finishedAt when its last attempt finished: what the retention period counts from
 */
public record PrunedItem(long seq, String source, String id, String contentHash, ItemState outcome,
    Instant finishedAt) {}
