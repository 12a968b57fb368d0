package org.joblib4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.joblib4j.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * What became of one value of the {@link ValueMatrix} on one path, as a child JVM prints it on one
 * line and a test reads it back.
 *
 * @param path the path, such as {@code dump-zstd} or {@code processes-result}
 * @param value the name of the {@link ValueMatrix.Case}
 * @param outcome what happened
 * @param phase where it happened: {@code write} or {@code read} for files, {@code store} or {@code
 *     hit} for the cache, {@code run} for a backend call, {@code harness} when the test code itself
 *     failed; empty when nothing was thrown
 * @param thrown the class of the exception thrown, or empty
 * @param refusal the message of the first {@link SerializationException} in the cause chain of what
 *     was thrown, or empty when there is none
 * @param detail the exception chain, or how the value came back different, on one line
 */
public record Observation(
    String path,
    String value,
    Outcome outcome,
    String phase,
    String thrown,
    String refusal,
    String detail) {
  private static final String PREFIX = "MATRIX";

  /** What happened to a value on one path. */
  public enum Outcome {
    /** It came back equal. */
    EQUAL,
    /** It came back, different. */
    UNEQUAL,
    /** The cache ran the function again instead of serving the stored value. */
    RECOMPUTED,
    /** An exception was thrown. */
    THREW
  }

  /**
   * Returns the observation of a value that came back equal, or different as {@code difference}.
   */
  public static Observation compared(String path, String value, Optional<String> difference) {
    return difference
        .map(d -> new Observation(path, value, Outcome.UNEQUAL, "", "", "", d))
        .orElseGet(() -> new Observation(path, value, Outcome.EQUAL, "", "", "", ""));
  }

  /** Returns the observation of {@code error} thrown at {@code phase}. */
  public static Observation threw(String path, String value, String phase, Throwable error) {
    String refusal = "";
    StringBuilder chain = new StringBuilder();
    List<Throwable> seen = new ArrayList<>();
    for (Throwable t = error; t != null && !seen.contains(t); t = t.getCause()) {
      seen.add(t);
      if (refusal.isEmpty() && t instanceof SerializationException) {
        refusal = String.valueOf(t.getMessage());
      }
      chain.append(chain.length() == 0 ? "" : " <- caused by ").append(t);
    }
    return new Observation(
        path, value, Outcome.THREW, phase, error.getClass().getName(), refusal, chain.toString());
  }

  /** Returns whether the phase is one where a value is written, not read back. */
  public boolean atWrite() {
    return phase.equals("write") || phase.equals("store") || phase.equals("run");
  }

  /** Returns this observation as one line of tab-separated, escaped fields. */
  public String toLine() {
    return String.join(
        "\t",
        PREFIX,
        escape(path),
        escape(value),
        outcome.name(),
        escape(phase),
        escape(thrown),
        escape(refusal),
        escape(detail));
  }

  /** Returns the observation on {@code line}, or null when the line is not one. */
  public static @Nullable Observation parse(String line) {
    if (!line.startsWith(PREFIX + "\t")) {
      return null;
    }
    String[] f = line.split("\t", -1);
    if (f.length != 8) {
      throw new IllegalArgumentException("Not an observation line: " + line);
    }
    return new Observation(
        unescape(f[1]),
        unescape(f[2]),
        Outcome.valueOf(f[3]),
        unescape(f[4]),
        unescape(f[5]),
        unescape(f[6]),
        unescape(f[7]));
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
