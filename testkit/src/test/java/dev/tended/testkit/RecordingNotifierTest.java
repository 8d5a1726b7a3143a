package dev.tended.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordingNotifierTest {
  @Test
  void statusLinesAreKeptToOneShortLine() {
    RecordingNotifier n = new RecordingNotifier(null);
    n.status("two\nlines " + "x".repeat(300));
    String line = n.lines().get(0);
    assertThat(line).startsWith("STATUS=two lines ").doesNotContain("\n");
    assertThat(line.length()).isLessThanOrEqualTo("STATUS=".length() + 200);
  }
}
