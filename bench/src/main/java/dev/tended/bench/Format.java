package dev.tended.bench;

import java.util.Locale;

/** Number formatting for the table: three significant figures, no exponent. */
public final class Format {
  private Format() {}

  /** {@code 0.0123}, {@code 1.23}, {@code 12.3}, {@code 123}, {@code 12 345}. */
  public static String number(double v) {
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v).replace(',', ' ');
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
