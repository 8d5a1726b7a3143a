package dev.tended.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ItemEventsTest {
  @Test
  void stderrTailIsTheLastNonBlankLineStripped() {
    assertThat(ItemEvents.lastLine("reading\r\n  idea idea-4 has no title  \n\n \n")).isEqualTo("idea idea-4 has no title");
    assertThat(ItemEvents.lastLine("only line")).isEqualTo("only line");
    assertThat(ItemEvents.lastLine(" \n\n")).isEmpty();
  }

  @Test
  void aVeryLongLastLineIsCutToTheBound() {
    String line = ItemEvents.lastLine("first\n" + "x".repeat(5000));
    assertThat(line).startsWith("xxx").endsWith("…").hasSize(ItemEvents.STDERR_TAIL_MAX + 1);
  }
}
