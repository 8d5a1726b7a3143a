package dev.tended.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.SourcePause;
import dev.tended.worker.control.OperatorControls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SharedPausesTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  /** Records what it is asked, as the dispatcher would apply it. */
  private static final class RecordingControls implements OperatorControls {
    final List<String> asked = new ArrayList<>();

    @Override
    public void pause(String source, boolean drain, String askedBy) {
      asked.add("pause " + source + (drain ? " drain" : "") + " by " + askedBy);
    }

    @Override
    public void resume(String source) {
      asked.add("resume " + source);
    }

    @Override
    public Optional<ItemRecord> cancelRunning(String source, String id, String askedBy) {
      return Optional.empty();
    }

    @Override
    public Optional<ItemRecord> cancelWaiting(String source, String id, String askedBy) {
      return Optional.empty();
    }

    @Override
    public void nudge() {}
  }

  private static SourcePause pause(String source, boolean drain) {
    return new SourcePause(source, drain, T, "user=ana uid=1000");
  }

  @Test
  void aPauseOrResumeAnotherNodeRecordedIsAppliedHereOnceAndAnUnchangedOneNotAgain() {
    RecordingControls controls = new RecordingControls();
    SharedPauses pauses = new SharedPauses(controls, Set.of("ideas", "qa"), Map.of("qa", pause("qa", false)));

    pauses.follow(Map.of("qa", pause("qa", false)));
    assertThat(controls.asked).as("what this node applied at its start is not applied again").isEmpty();

    pauses.follow(Map.of("qa", pause("qa", false), "ideas", pause("ideas", true)));
    pauses.follow(Map.of("qa", pause("qa", false), "ideas", pause("ideas", true)));
    pauses.follow(Map.of("ideas", pause("ideas", false)));
    assertThat(controls.asked).containsExactly("pause ideas drain by user=ana uid=1000", "pause ideas by user=ana uid=1000",
        "resume qa");
  }

  @Test
  void aPauseOfASourceThisNodeDoesNotHaveIsNotApplied() {
    RecordingControls controls = new RecordingControls();
    SharedPauses pauses = new SharedPauses(controls, Set.of("ideas"), Map.of());
    pauses.follow(Map.of("mail", pause("mail", false)));
    pauses.follow(Map.of());
    assertThat(controls.asked).isEmpty();
  }
}
