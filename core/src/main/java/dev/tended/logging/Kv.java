package dev.tended.logging;

/**
 * Formats a free-text value for a {@code key=value} log field: plain tokens stay as they are, anything
 * with spaces, quotes or control characters is quoted and escaped, so each event stays one line that
 * {@code grep} and {@code awk} can split.
 */
public final class Kv {
  private Kv() {}

  /** {@code value} ready to follow {@code key=}. */
  public static String q(Object value) {
    if (value == null) {
      return "-";
    }
    String s = value.toString();
    if (!s.isEmpty() && s.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c < 127)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < ' ') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
