package org.joblib4j.internal;

import java.util.Locale;

/** Sizes written as joblib writes them: {@code "1M"}, {@code "1.4M"}, {@code "80G"}, {@code "53K"}. */
public final class Sizes {
  private Sizes() {}

  /** Returns the bytes {@code text} stands for, with K, M and G as powers of 1024. */
  public static long parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("K")) {
      unit = 1L << 10;
    } else if (t.endsWith("M")) {
      unit = 1L << 20;
    } else if (t.endsWith("G")) {
      unit = 1L << 30;
    }
    String number = unit == 1 ? t : t.substring(0, t.length() - 1);
    try {
      double v = Double.parseDouble(number);
      if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
        throw new NumberFormatException();
      }
      return (long) (v * unit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          Checks.format(
              "Invalid literal for size: '%s' should be a string like '10G', '500M', '50K'.",
              text),
          e);
    }
  }
}
