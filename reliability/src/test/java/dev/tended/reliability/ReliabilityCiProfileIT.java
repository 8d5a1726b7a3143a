package dev.tended.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CI profile of the reliability suite, run by {@code mvn verify}: every row must pass (or say why it was skipped). */
class ReliabilityCiProfileIT {
  @Test
  void everyInjectedFaultLosesNothingAndRunsNothingTwice() throws Exception {
    Path root = Path.of(System.getProperty("tended.root", "..")).toAbsolutePath().normalize();
    ReliabilityMain.Result r = ReliabilityMain.run(Profile.ci(), root, Set.of(), false);
    System.out.println(r.table());
    assertThat(r.rows()).isNotEmpty();
    assertThat(r.rows()).allSatisfy(o -> assertThat(o.passed()).as(o.fault() + ": " + o.note())
        .isNotEqualTo(Outcome.Verdict.FAIL));
  }
}
