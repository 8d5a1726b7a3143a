package dev.tended.worker.source;

import java.time.Duration;
import java.util.Objects;

/**
 * The intervals of the clustered source ownership, derived from the heartbeat's staleness limit so
 * that after the holder of a source dies (a {@code kill -9}, a host gone) another node polls it within
 * {@code staleAfter} plus one poll interval. Quartz declares a node failed when its last check-in is
 * older than its check-in interval plus a grace of its own ({@link #QUARTZ_GRACE}), measured on the
 * wall clock of the node that looks; that node looks at each of its own check-ins. So the worst case
 * after a kill is two check-in intervals plus the grace (the victim had just checked in, the survivor
 * had just looked), then the scheduler's wait for the recovery trigger, then the first poll:
 *
 * <pre>failover ≤ 2 × checkin + 7.5 s + idleWait + slack + pollInterval</pre>
 *
 * <p>A holder gives a source up when its own last good check-in is older than {@link #lease()}
 * (check-in interval plus the grace, less {@code leaseMargin}), on the monotonic clock: before any
 * other node may declare it failed, provided the nodes' wall clocks agree within the margin (NTP).
 *
 * @param checkin how often each node checks in (Quartz's {@code clusterCheckinInterval})
 * @param idleWait how long Quartz's scheduler thread waits when no trigger is due, also its misfire
 *     threshold: the delay before a released source is taken by a node that was idle
 * @param leaseMargin how long before the earliest possible failure verdict a holder stops polling
 *     (clock disagreement between nodes, a poll in flight)
 * @param recheck how often a hold re-reads its own entry in Quartz's tables
 */
public record ClusterTimings(Duration checkin, Duration idleWait, Duration leaseMargin, Duration recheck) {
  /** What Quartz adds to a node's check-in interval before it declares that node failed (fixed in Quartz). */
  public static final Duration QUARTZ_GRACE = Duration.ofMillis(7500);
  static final Duration IDLE_WAIT = Duration.ofSeconds(1);
  static final Duration LEASE_MARGIN = Duration.ofSeconds(2);
  static final Duration SLACK = Duration.ofSeconds(1);
  static final Duration MIN_CHECKIN = Duration.ofMillis(500);

  public ClusterTimings {
    Objects.requireNonNull(checkin);
    Objects.requireNonNull(idleWait);
    Objects.requireNonNull(leaseMargin);
    Objects.requireNonNull(recheck);
    if (checkin.compareTo(MIN_CHECKIN) < 0) {
      throw new IllegalArgumentException("check-in interval " + checkin + ": want at least " + MIN_CHECKIN);
    }
    if (leaseMargin.isNegative() || leaseMargin.compareTo(QUARTZ_GRACE) >= 0) {
      throw new IllegalArgumentException("lease margin " + leaseMargin + ": want 0 to less than " + QUARTZ_GRACE);
    }
    if (idleWait.isNegative() || idleWait.isZero() || recheck.isNegative() || recheck.isZero()) {
      throw new IllegalArgumentException("idle wait " + idleWait + " and recheck " + recheck + " must be positive");
    }
  }

  /**
   * The timings for {@code staleAfter}: the longest check-in interval that keeps the failover bound
   * (fewest writes to the database), at least {@link #MIN_CHECKIN}; a hold re-reads its entry once
   * per check-in.
   */
  public static ClusterTimings from(Duration staleAfter) {
    Duration spare = staleAfter.minus(QUARTZ_GRACE).minus(IDLE_WAIT).minus(SLACK);
    Duration checkin = spare.dividedBy(2);
    if (checkin.compareTo(MIN_CHECKIN) < 0) {
      checkin = MIN_CHECKIN;
    }
    return new ClusterTimings(checkin, IDLE_WAIT, LEASE_MARGIN, checkin);
  }

  /**
   * The shortest {@code staleAfter} whose timings keep the failover within {@code staleAfter} plus a
   * poll interval: two of the shortest check-ins, Quartz's grace, the idle wait and the slack (10.5 s).
   */
  public static Duration shortestStaleAfter() {
    return MIN_CHECKIN.multipliedBy(2).plus(QUARTZ_GRACE).plus(IDLE_WAIT).plus(SLACK);
  }

  /** How long after its last good check-in began a node may still poll what it holds. */
  public Duration lease() {
    return checkin.plus(QUARTZ_GRACE).minus(leaseMargin);
  }

  /** The longest a source goes unpolled after its holder dies, by the formula above. */
  public Duration failoverBound(Duration pollInterval) {
    return checkin.multipliedBy(2).plus(QUARTZ_GRACE).plus(idleWait).plus(SLACK).plus(pollInterval);
  }
}
