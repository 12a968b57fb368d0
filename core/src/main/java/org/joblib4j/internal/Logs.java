package org.joblib4j.internal;

import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where joblib4j's classes get their SLF4J loggers. A program with no SLF4J binding gets no
 * three-line "No SLF4J providers were found" notice from joblib4j: when joblib4j is the first to
 * start SLF4J and no provider is on the class path, SLF4J's own notices are turned down to errors
 * (the program's {@code -Dslf4j.internal.verbosity} wins). joblib4j's verbose and warning lines
 * then go to standard error by themselves, as they do without a binding. This class is thread-safe.
 */
public final class Logs {
  private static final String VERBOSITY = "slf4j.internal.verbosity";

  private Logs() {}

  /** Returns the logger of {@code type}. */
  public static Logger get(Class<?> type) {
    Quiet.ONCE.run();
    return LoggerFactory.getLogger(type);
  }

  /** Returns the logger called {@code name}, such as {@code org.joblib4j.Parallel}. */
  public static Logger get(String name) {
    Quiet.ONCE.run();
    return LoggerFactory.getLogger(name);
  }

  /** Decides once, before SLF4J starts, whether to quiet its notices. */
  private static final class Quiet {
    static final Runnable ONCE = quiet();

    private static Runnable quiet() {
      try {
        if (System.getProperty(VERBOSITY) == null
            && System.getProperty("slf4j.provider") == null
            && ServiceLoader.load(SLF4JServiceProvider.class, Logs.class.getClassLoader())
                .findFirst()
                .isEmpty()) {
          System.setProperty(VERBOSITY, "ERROR");
        }
      } catch (RuntimeException | java.util.ServiceConfigurationError e) {
        // SLF4J reports its own problems.
      }
      return () -> {};
    }
  }
}
