package dev.tended.bench;

import java.util.Objects;

/**
 * One row of the benchmark table: what was measured, its value, the goal and whether it was met.
 *
 * @param name the figure, e.g. {@code pickup latency p50}
 * @param how how it was measured, short
 * @param value the measured value with its unit, or {@code n/a}
 * @param goal the goal from the issue, or {@code -} when the row is for information
 * @param verdict whether the goal was met
 * @param note why a goal is missed or a row is empty, or other context; may be empty
 */
public record Figure(String name, String how, String value, String goal, Verdict verdict, String note) {
  /** Whether a figure met its goal. */
  public enum Verdict {
    MET("met"), MISSED("MISSED"), INFO("-"), NOT_MEASURED("n/a");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    /** How the verdict reads in the table. */
    public String label() {
      return label;
    }
  }

  public Figure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(how, "how");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(goal, "goal");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(note, "note");
  }

  /** A figure compared with an upper bound: met when {@code value <= limit}. */
  public static Figure atMost(String name, String how, double value, String unit, double limit, String note) {
    return new Figure(name, how, Format.number(value) + " " + unit, "≤ " + Format.number(limit) + " " + unit,
        value <= limit ? Verdict.MET : Verdict.MISSED, note);
  }

  /** A figure compared with a lower bound: met when {@code value >= limit}. */
  public static Figure atLeast(String name, String how, double value, String unit, double limit, String note) {
    return new Figure(name, how, Format.number(value) + " " + unit, "≥ " + Format.number(limit) + " " + unit,
        value >= limit ? Verdict.MET : Verdict.MISSED, note);
  }

  /** A figure reported for information, without a goal of its own. */
  public static Figure info(String name, String how, String value, String note) {
    return new Figure(name, how, value, "-", Verdict.INFO, note);
  }

  /** A figure that could not be measured in this run, and why. */
  public static Figure notMeasured(String name, String how, String goal, String reason) {
    return new Figure(name, how, "n/a", goal, Verdict.NOT_MEASURED, reason);
  }
}
