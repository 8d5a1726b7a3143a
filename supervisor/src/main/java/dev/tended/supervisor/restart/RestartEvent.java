package dev.tended.supervisor.restart;

import java.time.Instant;

/**
 * One restart of the worker, as remembered in {@code dataDir/supervisor-state.json}.
 *
 * @param at when it was decided (wall clock, so that it means something after a supervisor restart)
 * @param reason {@code exit} (the worker died), {@code stale} (its heartbeat stopped) or
 *     {@code start_failed} (it could not be started at all)
 * @param pid the worker that was replaced, 0 when unknown
 * @param exitCode its exit code for {@code exit}, else null
 * @param staleForMs how long its heartbeat had not advanced for {@code stale}, else null
 * @param uptimeMs how long it had run
 * @param stallRecord the file name under {@code diagnostics/}, or null
 */
public record RestartEvent(
    Instant at, String reason, long pid, Integer exitCode, Long staleForMs, long uptimeMs, String stallRecord) {}
