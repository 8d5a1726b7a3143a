package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease on a clock the test moves: it runs from each good check-in, and a long gap ends holds for good. */
class CheckinLeaseTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final CheckinLease lease = new CheckinLease(Duration.ofSeconds(10), now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void noLeaseBeforeTheFirstCheckIn() {
    assertThat(lease.valid(lease.breaks())).isFalse();
  }

  @Test
  void theLeaseRunsFromWhenTheLastGoodCheckInBegan() {
    lease.checkedIn(now.get());
    long breaks = lease.breaks();
    advance(Duration.ofSeconds(9));
    assertThat(lease.valid(breaks)).isTrue();
    lease.checkedIn(now.get());
    advance(Duration.ofSeconds(9));
    assertThat(lease.valid(breaks)).isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(lease.valid(breaks)).isFalse();
  }

  @Test
  void aHoldTakenBeforeAGapLongerThanTheLeaseNeverCountsAgainButANewOneDoes() {
    lease.checkedIn(now.get());
    long before = lease.breaks();
    advance(Duration.ofSeconds(25)); // the database was unreachable: the cluster may have moved the hold
    lease.checkedIn(now.get());
    assertThat(lease.valid(before)).isFalse();
    assertThat(lease.valid(lease.breaks())).isTrue();
  }
}
