package dev.tended.supervisor.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertBookTest {
  private static final Duration REPEAT = Duration.ofHours(4);
  private static final AlertKey DEAD_IDEAS = new AlertKey(Alert.ITEM_DEAD, "ideas");
  private static final AlertKey DISK = AlertKey.of(Alert.DISK_LOW);

  @TempDir Path dir;
  private Instant now = Instant.parse("2026-12-02T06:00:00Z");

  private Path file() {
    return dir.resolve("alerts-state.json");
  }

  private AlertBook book() {
    return AlertBook.load(file(), REPEAT, true);
  }

  private static Judgement judged(Set<Alert> alerts, Condition... holding) {
    return new Judgement(alerts, List.of(holding));
  }

  private static Judgement all(Condition... holding) {
    return judged(EnumSet.allOf(Alert.class), holding);
  }

  private void advance(Duration d) {
    now = now.plus(d);
  }

  private static List<String> states(List<Notification> ns) {
    return ns.stream().map(n -> n.key() + " " + n.state()).toList();
  }

  @Test
  void conditionThatStartsToHoldFiresOnceHoweverOftenItIsJudged() {
    AlertBook book = book();
    Condition dead = new Condition(DEAD_IDEAS, "1 item is dead", "7@x");
    assertThat(states(book.apply(all(dead), now))).containsExactly("item_dead/ideas firing");
    for (int i = 0; i < 10; i++) {
      advance(Duration.ofMinutes(1));
      assertThat(book.apply(all(dead), now)).isEmpty();
    }
    assertThat(book.outbox()).hasSize(1);
    assertThat(book.outbox().get(0).detail()).isEqualTo("1 item is dead");
  }

  @Test
  void firingAlertIsSentAgainEveryRepeatEveryAndNotBefore() {
    AlertBook book = book();
    Condition disk = new Condition(DISK, "100 MiB free", "");
    book.apply(all(disk), now);
    book.delivered(book.next().orElseThrow());
    advance(REPEAT.minusSeconds(1));
    assertThat(book.apply(all(disk), now)).isEmpty();
    advance(Duration.ofSeconds(1));
    assertThat(states(book.apply(all(disk), now))).containsExactly("disk_low firing");
    advance(Duration.ofMinutes(1));
    assertThat(book.apply(all(disk), now)).isEmpty();
  }

  @Test
  void repeatIsNotQueuedWhileTheLastOneIsStillUndelivered() {
    AlertBook book = book();
    Condition disk = new Condition(DISK, "100 MiB free", "");
    book.apply(all(disk), now);
    advance(REPEAT.multipliedBy(3));
    assertThat(book.apply(all(disk), now)).isEmpty();
    assertThat(book.outbox()).hasSize(1);
  }

  @Test
  void alertResolvesOnceWhenItsConditionNoLongerHolds() {
    AlertBook book = book();
    book.apply(all(new Condition(DISK, "100 MiB free", "")), now);
    advance(Duration.ofMinutes(5));
    assertThat(states(book.apply(all(), now))).containsExactly("disk_low resolved");
    assertThat(book.apply(all(), now)).isEmpty();
    assertThat(book.firing()).isEmpty();
    assertThat(states(book.outbox())).containsExactly("disk_low firing", "disk_low resolved");
    assertThat(book.outbox().get(1).detail()).isEqualTo("was: 100 MiB free");
  }

  @Test
  void aStallAlreadyResolvedDoesNotFireAgainWhenANewSupervisorFindsItBeforeAnyBeatButANewStallDoes() {
    AlertKey stalled = AlertKey.of(Alert.WORKER_STALLED);
    Condition first = new Condition(stalled, "worker pid 7 stalled", "2026-12-02T06:00:00Z");
    book().apply(all(first), now);
    advance(Duration.ofSeconds(5));
    assertThat(states(book().apply(all(new Condition(stalled, "worker pid 7 stalled", "2026-12-02T06:00:03Z")), now)))
        .as("a further stall before any beat is the same alert").isEmpty();
    advance(Duration.ofSeconds(5));
    assertThat(states(book().apply(all(), now))).containsExactly("worker_stalled resolved");

    // A new supervisor starts while no worker has beaten for it yet: it finds the last stall again.
    AlertBook reloaded = book();
    advance(Duration.ofMinutes(1));
    assertThat(reloaded.apply(all(new Condition(stalled, "worker pid 7 stalled", "2026-12-02T06:00:03Z")), now))
        .as("the stall it resolved").isEmpty();
    assertThat(states(reloaded.apply(all(new Condition(stalled, "worker pid 9 stalled", "2026-12-02T06:01:10Z")), now)))
        .as("a new stall").containsExactly("worker_stalled firing");
  }

  @Test
  void aDeadItemRetriedThatDiesAgainFiresAgain() {
    AlertBook book = book();
    Condition dead = new Condition(DEAD_IDEAS, "1 item is dead", "7@x");
    book.apply(all(dead), now);
    advance(Duration.ofMinutes(1));
    book.apply(all(), now);
    advance(Duration.ofMinutes(1));
    assertThat(states(book.apply(all(dead), now))).containsExactly("item_dead/ideas firing");
  }

  @Test
  void alertThatCouldNotBeJudgedKeepsFiring() {
    AlertBook book = book();
    book.apply(all(new Condition(DEAD_IDEAS, "1 item is dead", "7@x")), now);
    advance(Duration.ofMinutes(1));
    // status.json unreadable this time: item_dead is not judged, so it is not resolved
    assertThat(book.apply(judged(EnumSet.of(Alert.DISK_LOW)), now)).isEmpty();
    assertThat(book.firing()).extracting(AlertStateFile.Firing::key).containsExactly(DEAD_IDEAS);
  }

  @Test
  void newOccurrenceWhileFiringIsSentAgainAtOnceWithTheNewDetail() {
    AlertBook book = book();
    book.apply(all(new Condition(DEAD_IDEAS, "1 item is dead; the newest: i1", "1@a")), now);
    advance(Duration.ofSeconds(2));
    List<Notification> again = book.apply(all(new Condition(DEAD_IDEAS, "2 items are dead; the newest: i2", "2@b")), now);
    assertThat(states(again)).containsExactly("item_dead/ideas firing");
    assertThat(again.get(0).detail()).contains("the newest: i2");
  }

  @Test
  void unknownOccurrenceKeepsTheRememberedOne() {
    AlertBook book = book();
    book.apply(all(new Condition(DEAD_IDEAS, "1 item is dead; the newest: i1", "1@a")), now);
    advance(Duration.ofSeconds(2));
    // the ledger could not tell the newest this time: not a new occurrence
    assertThat(book.apply(all(new Condition(DEAD_IDEAS, "1 item is dead", null)), now)).isEmpty();
    advance(Duration.ofSeconds(2));
    assertThat(book.apply(all(new Condition(DEAD_IDEAS, "1 item is dead; the newest: i1", "1@a")), now)).isEmpty();
  }

  @Test
  void reloadedBookDoesNotSendAFiringAlertAgainUntilRepeatEvery() {
    AlertBook first = book();
    Condition dead = new Condition(DEAD_IDEAS, "1 item is dead", "7@x");
    first.apply(all(dead), now);
    first.delivered(first.next().orElseThrow());

    advance(Duration.ofMinutes(10));
    AlertBook restarted = book();
    assertThat(restarted.firing()).extracting(AlertStateFile.Firing::key).containsExactly(DEAD_IDEAS);
    assertThat(restarted.apply(all(dead), now)).isEmpty();
    assertThat(restarted.outbox()).isEmpty();
    advance(REPEAT);
    assertThat(states(book().apply(all(dead), now))).containsExactly("item_dead/ideas firing");
  }

  @Test
  void alertThatClearedWhileTheSupervisorWasDownResolvesAfterTheRestart() {
    book().apply(all(new Condition(DISK, "100 MiB free", "")), now);
    advance(Duration.ofMinutes(10));
    assertThat(states(book().apply(all(), now))).containsExactly("disk_low resolved");
  }

  @Test
  void undeliveredNotificationsSurviveARestartInTheirOrder() {
    AlertBook first = book();
    first.apply(all(new Condition(DISK, "100 MiB free", "")), now);
    advance(Duration.ofSeconds(1));
    first.apply(judged(EnumSet.of(Alert.ITEM_DEAD), new Condition(DEAD_IDEAS, "1 item is dead", "7@x")), now);
    Notification failed = first.failed(first.next().orElseThrow(), now.plusSeconds(10));

    AlertBook restarted = book();
    assertThat(states(restarted.outbox())).containsExactly("disk_low firing", "item_dead/ideas firing");
    assertThat(restarted.next()).contains(failed);
    assertThat(restarted.next().orElseThrow().tries()).isEqualTo(1);
    assertThat(restarted.next().orElseThrow().notBefore()).isEqualTo(now.plusSeconds(10));
    restarted.delivered(restarted.next().orElseThrow());
    assertThat(states(book().outbox())).containsExactly("item_dead/ideas firing");
  }

  @Test
  void withoutACommandNothingIsQueuedButFiringIsStillTracked() {
    AlertBook book = AlertBook.load(file(), REPEAT, false);
    assertThat(book.apply(all(new Condition(DISK, "100 MiB free", "")), now)).hasSize(1);
    assertThat(book.outbox()).isEmpty();
    assertThat(book.firing()).hasSize(1);
    assertThat(AlertBook.load(file(), REPEAT, false).apply(all(new Condition(DISK, "100 MiB free", "")), now))
        .isEmpty();
  }

  @Test
  void unreadableStateFileStartsAfresh() throws Exception {
    java.nio.file.Files.writeString(file(), "{ not json");
    AlertBook book = book();
    assertThat(book.firing()).isEmpty();
    assertThat(states(book.apply(all(new Condition(DISK, "100 MiB free", "")), now))).containsExactly("disk_low firing");
  }
}
