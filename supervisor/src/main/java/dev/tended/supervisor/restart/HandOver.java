package dev.tended.supervisor.restart;

/**
 * How the worker left at a reload ({@link WorkerControl#handOver}): what the supervisor logs and
 * {@code tended reload} reports.
 *
 * @param outcome {@code handed_over} (exit 75: its handlers run on), {@code exited} (another exit
 *     code), {@code stopped} (no hand-over within the limit: stopped as at a plain stop, its items
 *     handed back), {@code asked} (systemctl mode: the unit was told to reload; systemd restarts it on
 *     its exit 75) or {@code none} (no worker was running)
 * @param exitCode the worker's exit code when it exited, else null
 * @param tookMs from the signal to the outcome
 */
public record HandOver(String outcome, Integer exitCode, long tookMs) {
  /** The worker's exit code for "handed over: start the next worker at once". */
  public static final int EXIT_CODE = 75;
}
