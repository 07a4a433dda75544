package dev.identitylog.bench;

import java.util.Arrays;

/** The median the reports give of a configuration's rounds. */
public final class Median {
  private Median() {}

  /** The middle value, or the mean of the two middle ones; {@code values} is left as it was. */
  public static double of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
