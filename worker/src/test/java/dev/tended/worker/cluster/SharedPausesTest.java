package dev.tended.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.SourcePause;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SharedPausesTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

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
