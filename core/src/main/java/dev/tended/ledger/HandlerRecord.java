package dev.tended.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * The processes of a running attempt as the worker recorded them once its handler started, so that
 * the next worker can adopt a handler that outlived its worker, and the supervisor can tell a
 * recorded handler from a leftover. A process is named by its pid and its start time in clock ticks
 * since boot, and the boot by its id: a reused pid, or the same pid after a reboot, is never taken
 * for it.
 *
 * @param seq the item version the attempt is for
 * @param attempt the attempt's number (as claimed)
 * @param token the attempt's marker ({@code TENDED_ATTEMPT_TOKEN}), as claimed
 * @param bootId {@code /proc/sys/kernel/random/boot_id} when the handler started
 * @param waiterPid the waiter process that runs the handler and records its exit status
 * @param waiterStartTicks the waiter's start time, clock ticks since boot
 * @param handlerPid the handler's pid, which leads its process group
 * @param handlerStartTicks the handler's start time, clock ticks since boot
 * @param startedAt when the handler was started (wall clock)
 * @param spec what the attempt was started with (timeout, kill grace, output bound, progress timeout,
 *     limits), as the worker's own JSON, so that it is enforced as started whatever the configuration
 *     says now
 */
public record HandlerRecord(
    long seq,
    int attempt,
    String token,
    String bootId,
    long waiterPid,
    long waiterStartTicks,
    long handlerPid,
    long handlerStartTicks,
    Instant startedAt,
    String spec) {
  public HandlerRecord {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(bootId, "bootId");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(spec, "spec");
  }
}
