package org.joblib4j.bench;

import java.util.Locale;

/**
 * One line of the side-by-side table: a joblib4j figure, the peer's figure on the same work, the
 * ratio between them and whether the target is met.
 *
 * @param id the scenario, such as {@code P1}
 * @param scenario what was measured
 * @param joblib4j joblib4j's figure, formatted
 * @param peer the peer's name
 * @param peerValue the peer's figure, formatted
 * @param ratio how many times faster joblib4j is than the peer (above 1 is faster), formatted
 * @param target the target from the issues, or empty
 * @param status {@code met}, {@code missed}, empty when there is no target, or why it did not run
 */
record Row(
    String id,
    String scenario,
    String joblib4j,
    String peer,
    String peerValue,
    String ratio,
    String target,
    String status) {

  /** The table's header and separator lines, in Markdown. */
  static final String HEADER =
      "| | scenario | joblib4j | peer | peer's figure | joblib4j speed vs peer | target | status |\n"
          + "| --- | --- | ---: | --- | ---: | ---: | --- | --- |";

  /** Returns the row as a Markdown table line. */
  String markdown() {
    return String.join(
        " | ",
        "| " + id,
        scenario,
        joblib4j,
        peer,
        peerValue,
        ratio,
        target,
        status + " |");
  }

  /** Formats a duration in seconds for the table. */
  static String time(double seconds) {
    if (Double.isNaN(seconds)) {
      return "n/a";
    }
    if (seconds < 0.01) {
      return String.format(Locale.ROOT, "%.3f ms", seconds * 1e3);
    }
    if (seconds < 1) {
      return String.format(Locale.ROOT, "%.1f ms", seconds * 1e3);
    }
    return String.format(Locale.ROOT, "%.2f s", seconds);
  }

  /** Formats a throughput in tasks per second. */
  static String rate(double tasks, double seconds) {
    double r = tasks / seconds;
    if (r >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM tasks/s", r / 1e6);
    }
    if (r >= 1e3) {
      return String.format(Locale.ROOT, "%.0fk tasks/s", r / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f tasks/s", r);
  }

  /** Formats a bandwidth from bytes and seconds, in GB/s (10^9 bytes). */
  static String gbps(long bytes, double seconds) {
    return String.format(Locale.ROOT, "%.2f GB/s", bytes / seconds / 1e9);
  }

  /** Formats a ratio. */
  static String times(double ratio) {
    if (Double.isNaN(ratio)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, ratio >= 10 ? "%.0f×" : "%.2f×", ratio);
  }

  /** Returns {@code met} or {@code missed}. */
  static String status(boolean met) {
    return met ? "met" : "missed";
  }
}
