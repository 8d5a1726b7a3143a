package dev.tended.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics over a sample, nearest-rank. */
public record Stats(int count, double p50, double p99, double min, double max, double mean) {
  /** Statistics of {@code values} (not empty). */
  public static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return new Stats(v.length, rank(v, 0.50), rank(v, 0.99), v[0], v[v.length - 1],
        Arrays.stream(v).average().orElse(0));
  }

  private static double rank(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
