package dev.tended.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KvTest {
  private static final String HOSTILE = "a\u001b[2Jb\u0007c\nd\u007fe\u0085f\u009bg\u2028h\u2029i\u202ej\u2066k\uD800l";

  @Test
  void plainTokensStayAsTheyAre() {
    assertThat(Kv.q("idea-7")).isEqualTo("idea-7");
    assertThat(Kv.visible("idea-7 é 日本")).isEqualTo("idea-7 é 日本");
  }

  @Test
  void everyCharacterATerminalOrALineSplitterActsOnIsEscapedInLogFields() {
    String q = Kv.q(HOSTILE);
    assertThat(q).startsWith("\"").endsWith("\"")
        .contains("\\u001b", "\\u0007", "\\n", "\\u007f", "\\u0085", "\\u009b", "\\u2028", "\\u2029", "\\u202e",
            "\\u2066", "\\ud800");
    assertThat(q.chars()).allMatch(c -> c >= ' ' && c != 0x7F && !(c >= 0x80 && c <= 0x9F) && c != 0x2028
        && c != 0x2029 && !Character.isSurrogate((char) c.intValue()));
  }

  @Test
  void textForATerminalHasNoRawControlAndNoLineBreak() {
    String v = Kv.visible(HOSTILE);
    assertThat(v).doesNotContain("\n", "\u001b", "\u0007", "\u007f", "\u0085", "\u2028").contains("\\u001b[2J");
    assertThat(Kv.visible("\uD83D\uDE00")).as("a pair is a character").isEqualTo("\uD83D\uDE00");
  }
}
