package dev.tended.worker.handler;

import java.time.Instant;

/**
 * The processes of one started attempt as the ledger records them ({@code HandlerRecord}): the
 * waiter that runs the handler and records its exit status, the handler itself (the leader of its
 * process group), each with its start time in clock ticks since boot, and the boot they ran in.
 */
public record HandlerProcesses(
    long waiterPid,
    long waiterStartTicks,
    long handlerPid,
    long handlerStartTicks,
    String bootId,
    Instant startedAt) {}
