package dev.tended.ledger;

import java.time.Instant;

/**
 * What a node says about itself each time it renews its leases ({@link ItemLedger#renewLeases}).
 *
 * @param startedAt when its worker started
 * @param pid its worker's process id
 * @param version its worker's version
 */
public record NodeBeat(Instant startedAt, long pid, String version) {}
