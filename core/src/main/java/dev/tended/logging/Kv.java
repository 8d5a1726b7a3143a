package dev.tended.logging;

/**
 * Formats text that items control (ids, reasons, paths, handler output) for lines that people and
 * tools read: {@link #q} for a {@code key=value} log field, {@link #visible} for a terminal. Every
 * character that a terminal or a line-splitting tool could act on is written as {@code \}{@code
 * uXXXX}: C0 controls, DEL, C1 controls (ESC-like on some terminals, NEL a line break), U+2028 and
 * U+2029 (line breaks to JavaScript and many viewers), bidirectional overrides and isolates (they
 * reorder what a person sees), the byte-order mark and lone surrogates. So each event stays one line
 * that {@code grep} and {@code awk} can split, and no id can move the cursor, ring the bell or forge
 * a row.
 */
public final class Kv {
  private Kv() {}

  /** {@code value} ready to follow {@code key=}: plain tokens as they are, anything else quoted and escaped. */
  public static String q(Object value) {
    if (value == null) {
      return "-";
    }
    String s = value.toString();
    if (!s.isEmpty() && s.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c < 127)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> appendVisible(b, s, i);
      }
    }
    return b.append('"').toString();
  }

  /**
   * {@code text} for a terminal or a table: unchanged unless it holds a character {@link Kv} escapes,
   * which is then written as {@code \}{@code uXXXX} (a newline as {@code \n}).
   */
  public static String visible(String text) {
    if (text == null) {
      return "-";
    }
    int first = 0;
    while (first < text.length() && !mustEscape(text, first)) {
      first++;
    }
    if (first == text.length()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else {
        appendVisible(b, text, i);
      }
    }
    return b.toString();
  }

  private static void appendVisible(StringBuilder b, String s, int i) {
    char c = s.charAt(i);
    if (mustEscape(s, i)) {
      b.append(String.format("\\u%04x", (int) c));
    } else {
      b.append(c);
    }
  }

  /** Whether the char at {@code i} of {@code s} is one no output line may carry raw. */
  private static boolean mustEscape(String s, int i) {
    char c = s.charAt(i);
    if (c < ' ' || (c >= 0x7F && c <= 0x9F)) {
      return true;
    }
    if (c == '\u2028' || c == '\u2029' || c == '\uFEFF' || c == '\u061C' || c == '\u200E' || c == '\u200F'
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
