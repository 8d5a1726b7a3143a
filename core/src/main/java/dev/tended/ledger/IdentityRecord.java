package dev.tended.ledger;

import java.time.Instant;

/**
 * What the ledger keeps of an item version that retention pruned: enough to never run identical
 * content again and to answer {@code tended show}, nothing of its payload or history.
 *
 * @param outcome SUCCEEDED or DEAD, as it finished
 * @param finishedAt when its last attempt finished
 * @param prunedAt when retention removed the rest of it
 */
public record IdentityRecord(String source, String id, String contentHash, ItemState outcome, Instant finishedAt,
    Instant prunedAt) {}
