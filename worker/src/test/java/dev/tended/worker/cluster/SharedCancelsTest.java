package dev.tended.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.CancelAsked;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedCancelsTest {

  @Test
  void aCancelAskedOfARunningHandlerStopsItOnceWhileTheMarkStays() {
    RecordingControls controls = new RecordingControls();
    controls.started.add("a");
    SharedCancels cancels = new SharedCancels(controls);
    List<CancelAsked> asked = List.of(new CancelAsked(7, "ideas", "a", "user=ana"));

    cancels.follow(asked);
    cancels.follow(asked);
    assertThat(controls.cancelled).containsExactly("ideas/a by user=ana");
  }

  @Test
  void aCancelOfAnAttemptWhoseHandlerHasNotStartedIsTriedAgainAtTheNextLook() {
    RecordingControls controls = new RecordingControls();
    SharedCancels cancels = new SharedCancels(controls);
    List<CancelAsked> asked = List.of(new CancelAsked(7, "ideas", "a", "user=ana"));

    cancels.follow(asked);
    assertThat(controls.cancelled).isEmpty();
    controls.started.add("a");
    cancels.follow(asked);
    assertThat(controls.cancelled).containsExactly("ideas/a by user=ana");
  }

  @Test
  void theSameItemAskedAgainAfterItsMarkWentIsStoppedAgain() {
    RecordingControls controls = new RecordingControls();
    controls.started.add("a");
    SharedCancels cancels = new SharedCancels(controls);
    List<CancelAsked> asked = List.of(new CancelAsked(7, "ideas", "a", "user=ana"));
    cancels.follow(asked);
    cancels.follow(List.of()); // retried and run again: a new cancel is a new stop
    cancels.follow(List.of(new CancelAsked(7, "ideas", "a", "user=bo")));
    assertThat(controls.cancelled).containsExactly("ideas/a by user=ana", "ideas/a by user=bo");
  }
}
