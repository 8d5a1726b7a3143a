package dev.tended.worker.source;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long this node may go on polling the sources it holds, judged from its own check-ins with the
 * Quartz cluster on the monotonic clock: other nodes declare it failed (and hand its sources on) only
 * when its last check-in is older than the check-in interval plus Quartz's grace, so a lease a little
 * shorter than that, counted from when the last good check-in began, ends before they can. A gap
 * longer than the lease between two good check-ins is a <em>break</em>: the cluster may have recovered
 * this node's holds meanwhile, so a hold taken before a break never counts again, even once check-ins
 * succeed.
 *
 * <p>Thread-safe: Quartz's cluster-manager thread records check-ins, any thread asks.
 */
final class CheckinLease {
  private final long leaseNanos;
  private final LongSupplier nanoTime;
  private boolean checkedIn;
  private long lastStart;
  private long breaks;

  CheckinLease(Duration lease, LongSupplier nanoTime) {
    this.leaseNanos = lease.toNanos();
    this.nanoTime = nanoTime;
  }

  /** The monotonic time now, by this lease's clock. */
  long now() {
    return nanoTime.getAsLong();
  }

  /** A check-in that began at {@code startNanos} succeeded. */
  synchronized void checkedIn(long startNanos) {
    if (checkedIn && startNanos - lastStart >= leaseNanos) {
      breaks++;
    }
    checkedIn = true;
    lastStart = startNanos;
  }

  /** How many breaks there were so far: a hold remembers it when it begins. */
  synchronized long breaks() {
    return breaks;
  }

  /** True while a hold that began after {@code breaksAtStart} breaks may still poll. */
  synchronized boolean valid(long breaksAtStart) {
    return checkedIn && breaks == breaksAtStart && nanoTime.getAsLong() - lastStart < leaseNanos;
  }

  /** Nanoseconds until the lease ends (zero or less when it has). */
  synchronized long remainingNanos() {
    return checkedIn ? lastStart + leaseNanos - nanoTime.getAsLong() : 0;
  }
}
