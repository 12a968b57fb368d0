package org.joblib4j.internal;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.joblib4j.MmapMode;
import org.joblib4j.Prefer;
import org.joblib4j.Require;
import org.jspecify.annotations.Nullable;

/**
 * Reads settings from system properties ({@code joblib4j.<option>}) and environment variables
 * ({@code JOBLIB4J_<OPTION>}), the two levels below the scopes.
 */
public final class SettingsSource {
  /** The options that can be set from outside, as their lowerCamelCase names. */
  static final String[] OPTIONS = {
    "backend", "nJobs", "prefer", "require", "verbose", "timeout", "preDispatch", "batchSize",
    "tempFolder", "maxNbytes", "mmapMode", "maxInFlight"
  };

  private SettingsSource() {}

  /** Returns the settings the system properties give. */
  public static Settings systemProperties() {
    return read(name -> System.getProperty("joblib4j." + name), name -> "-Djoblib4j." + name);
  }

  /** Returns the settings the environment gives. */
  public static Settings environment() {
    Map<String, String> env = System.getenv();
    return read(name -> env.get(envName(name)), SettingsSource::envName);
  }

  /** Returns the environment variable for an option: {@code nJobs} is {@code JOBLIB4J_N_JOBS}. */
  static String envName(String option) {
    StringBuilder sb = new StringBuilder("JOBLIB4J_");
    for (char c : option.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_');
      }
      sb.append(Character.toUpperCase(c));
    }
    return sb.toString();
  }

  private static Settings read(
      Function<String, @Nullable String> lookup, Function<String, String> where) {
    Settings s = Settings.EMPTY;
    for (String option : OPTIONS) {
      String raw = lookup.apply(option);
      if (raw == null || raw.isBlank()) {
        continue;
      }
      try {
        s = set(s, option, raw.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            Checks.format("Bad value '%s' in %s: %s", raw, where.apply(option), e.getMessage()),
            e);
      }
    }
    return s;
  }

  /** Returns {@code s} with {@code option} set from its text form. */
  static Settings set(Settings s, String option, String v) {
    switch (option) {
      case "backend":
        return s.withBackend(v);
      case "nJobs":
        return s.withNJobs(parseInt(v));
      case "prefer":
        return s.withPrefer(parsePrefer(v));
      case "require":
        return s.withRequire(parseRequire(v));
      case "verbose":
        return s.withVerbose(parseInt(v));
      case "timeout":
        return s.withTimeout(parseDuration(v));
      case "preDispatch":
        return s.withPreDispatch(v);
      case "batchSize":
        return s.withBatchSize(v.equals("auto") ? 0 : positive(parseInt(v)));
      case "tempFolder":
        return s.withTempFolder(Path.of(v));
      case "maxNbytes":
        return s.withMaxNbytes(
            v.equalsIgnoreCase("none") || v.equalsIgnoreCase("null") ? -1L : Sizes.parse(v));
      case "mmapMode":
        return s.withMmapMode(parseMmapMode(v));
      case "maxInFlight":
        return s.withMaxInFlight(Sizes.parse(v));
      default:
        throw new IllegalArgumentException("Unknown option " + option);
    }
  }

  private static int positive(int v) {
    Checks.requireArgument(v > 0, "batchSize must be \"auto\" or a positive integer, got: %s", v);
    return v;
  }

  static int parseInt(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected an integer", e);
    }
  }

  /** Parses seconds ({@code "1.5"}) or an ISO-8601 duration ({@code "PT1.5S"}). */
  static Duration parseDuration(String v) {
    if (v.startsWith("P") || v.startsWith("p")) {
      return Duration.parse(v);
    }
    try {
      BigDecimal seconds = new BigDecimal(v);
      return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "expected seconds such as 1.5, or an ISO-8601 duration such as PT1.5S", e);
    }
  }

  static Prefer parsePrefer(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "threads":
        return Prefer.THREADS;
      case "processes":
        return Prefer.PROCESSES;
      default:
        throw new IllegalArgumentException(
            Checks.format(
                "prefer=%s is not a valid backend hint, expected one of [threads, processes]", v));
    }
  }

  static Require parseRequire(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "sharedmem":
      case "shared_mem":
        return Require.SHARED_MEM;
      default:
        throw new IllegalArgumentException(
            Checks.format(
                "require=%s is not a valid backend constraint, expected one of [sharedmem]", v));
    }
  }

  static MmapMode parseMmapMode(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "r":
      case "read_only":
        return MmapMode.READ_ONLY;
      case "c":
      case "copy_on_write":
        return MmapMode.COPY_ON_WRITE;
      case "none":
        return MmapMode.NONE;
      default:
        throw new IllegalArgumentException(
            Checks.format(
                "mmapMode=%s is not valid, expected one of [r, c, none] (or READ_ONLY,"
                    + " COPY_ON_WRITE, NONE)",
                v));
    }
  }
}
