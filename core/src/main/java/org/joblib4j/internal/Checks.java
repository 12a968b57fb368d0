package org.joblib4j.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Argument and state checks whose messages are formatted with a fixed locale. */
public final class Checks {
  private Checks() {}

  /** Throws {@link IllegalArgumentException} with the formatted message unless {@code ok}. */
  public static void requireArgument(
      boolean ok, String template, @Nullable Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, template, args));
    }
  }

  /** Throws {@link IllegalStateException} with the formatted message unless {@code ok}. */
  public static void requireState(boolean ok, String template, @Nullable Object... args) {
    if (!ok) {
      throw new IllegalStateException(String.format(Locale.ROOT, template, args));
    }
  }

  /** Validates an {@code nJobs} value and returns it. */
  public static int checkNJobs(int nJobs) {
    requireArgument(
        nJobs != 0,
        "nJobs must not be 0: use 1 for the calling thread, -1 for all workers, -k for all but"
            + " k-1");
    return nJobs;
  }

  /** Formats with the fixed locale. */
  public static String format(String template, @Nullable Object... args) {
    return String.format(Locale.ROOT, template, args);
  }
}
