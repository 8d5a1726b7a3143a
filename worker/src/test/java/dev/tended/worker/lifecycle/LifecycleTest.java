package dev.tended.worker.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseHangingParts() {
    release.countDown();
  }

  @Test
  void partsStartInTheOrderRegisteredAndStopInReverse() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.manage("ledger", recording("ledger"));
    lifecycle.manage("dispatch", recording("dispatch"));
    lifecycle.manage("heartbeat", recording("heartbeat"));

    lifecycle.stop(Duration.ofSeconds(5));

    assertThat(calls).containsExactly("start ledger", "start dispatch", "start heartbeat",
        "stop heartbeat", "stop dispatch", "stop ledger");
  }

  @Test
  void stoppingTwiceStopsEachPartOnceAndNothingStartsAfterAStop() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.manage("ledger", recording("ledger"));

    lifecycle.stop(Duration.ofSeconds(5));
    lifecycle.stop(Duration.ofSeconds(5));

    assertThat(calls).containsExactly("start ledger", "stop ledger");
    assertThatThrownBy(() -> lifecycle.manage("late", recording("late"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aPartWhoseStartFailsIsNotStoppedButTheOnesBeforeItAre() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.manage("ledger", recording("ledger"));
    assertThatThrownBy(() -> lifecycle.manage("watcher", new Managed() {
      @Override
      public void start() {
        throw new IllegalStateException("no watch service");
      }

      @Override
      public void stop(Duration budget) {
        calls.add("stop watcher");
      }
    })).hasMessage("no watch service");

    lifecycle.stop(Duration.ofSeconds(5));

    assertThat(calls).containsExactly("start ledger", "stop ledger");
  }

  @Test
  void aPartThatHangsOrThrowsDoesNotKeepTheStopPastItsBudgetNorTheLaterPartsFromStopping() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.manage("ledger", recording("ledger"));
    lifecycle.manage("broken", budget -> {
      throw new IllegalStateException("boom");
    });
    lifecycle.manage("polls", budget -> {
      calls.add("polls given " + budget.toMillis());
      release.await();
    });

    long t0 = System.nanoTime();
    lifecycle.stop(Duration.ofMillis(800));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(took).isLessThan(Duration.ofMillis(800).plus(Lifecycle.MAX_RESERVE));
    assertThat(calls).last().isEqualTo("stop ledger");
    long given = Long.parseLong(calls.get(calls.size() - 2).replace("polls given ", ""));
    assertThat(given).as("the hanging part's share leaves a reserve for the two after it")
        .isLessThanOrEqualTo(800 - 2 * (800 / 12));
  }

  @Test
  void eachPartIsGivenWhatIsLeftOfTheSharedDeadline() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    List<Duration> given = new CopyOnWriteArrayList<>();
    lifecycle.manage("ledger", budget -> given.add(budget));
    lifecycle.manage("dispatch", budget -> {
      given.add(budget);
      Thread.sleep(300); // a part that uses its time: the one after it gets less
    });

    lifecycle.stop(Duration.ofSeconds(2));

    assertThat(given).hasSize(2);
    assertThat(given.get(0)).isLessThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(given.get(1)).isLessThanOrEqualTo(Duration.ofSeconds(2).minus(Duration.ofMillis(300)));
  }

  private Managed recording(String name) {
    return new Managed() {
      @Override
      public void start() {
        calls.add("start " + name);
      }

      @Override
      public void stop(Duration budget) {
        calls.add("stop " + name);
      }
    };
  }
}
