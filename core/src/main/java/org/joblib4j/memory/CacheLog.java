package org.joblib4j.memory;

import java.io.PrintStream;
import org.joblib4j.internal.Checks;
import org.joblib4j.internal.Logs;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Writes joblib's {@code [Memory]} lines and the cache's warnings through SLF4J (logger {@code
 * org.joblib4j.Memory}), or to standard error when the program has set up no SLF4J provider, so
 * neither {@code verbose} output nor a warning is silently lost.
 */
final class CacheLog {
  private static final Logger log = Logs.get("org.joblib4j.Memory");
  private static final String SEPARATOR = "_".repeat(80);

  private CacheLog() {}

  private static boolean noProvider() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    return factory instanceof NOPLoggerFactory;
  }

  static void info(String line) {
    if (noProvider()) {
      PrintStream err = System.err;
      err.println(line);
    } else {
      log.info(line);
    }
  }

  static void warn(String message, @Nullable Throwable cause) {
    if (noProvider()) {
      PrintStream err = System.err;
      err.println("WARNING " + message + (cause == null ? "" : ": " + cause));
    } else if (cause == null) {
      log.warn(message);
    } else {
      log.warn(message, cause);
    }
  }

  /** joblib's banner before a computation: the separator, the call, and its signature. */
  static void calling(String qualifiedName, String signature) {
    info(SEPARATOR);
    info("[Memory] Calling " + qualifiedName + "...");
    info(signature);
  }

  /** joblib's {@code square - 0.1s, 0.0min} line, padded with underscores to 80 columns. */
  static void timing(String name, String what, double seconds) {
    String msg = Checks.format("%s%s - %s", name, what, formatTime(seconds));
    info("_".repeat(Math.max(0, 80 - msg.length())) + msg);
  }

  /** joblib's {@code format_time}: {@code 0.1s, 0.0min}. */
  static String formatTime(double seconds) {
    return Checks.format("%.1fs, %.1fmin", seconds, seconds / 60);
  }
}
