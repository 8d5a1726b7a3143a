package dev.tended.supervisor.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthReportTest {
  @Test
  void theTextFormEscapesWhatAQueueFileOrAnItemPutInADetail() {
    HealthReport report = new HealthReport(Instant.parse("2026-01-01T00:00:00Z"), "/etc/tended/tended.yaml",
        List.of(new HealthReport.Check("queue_files", HealthReport.Level.DEGRADED,
            "ideas: item 2: id \u001b]0;owned\u0007 forged\n✓ worker: fine\u2028")));

    String text = report.toText();

    assertThat(text.lines()).hasSize(2).noneMatch(l -> l.startsWith("✓ worker"));
    assertThat(text.replace("\n", "").chars()).noneMatch(c -> c < ' ' || c == 0x2028);
    assertThat(text).contains("\\u001b]0;owned\\u0007 forged\\n✓ worker: fine\\u2028");
  }
}
