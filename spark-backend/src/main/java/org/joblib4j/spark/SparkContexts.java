package org.joblib4j.spark;

import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.joblib4j.JoblibException;
import scala.Option;

/**
 * Finds the {@code SparkContext} the backend runs on.
 *
 * <pre>
 * Design note. SparkContext.getOrCreate(conf) returns the active context when there is one, but
 * then logs a warning that the given configuration may not take effect; and getOrCreate() with no
 * configuration fails when no master is set. So the active context is looked up first (the
 * companion's getActive, public in bytecode), and a new one is created only when there is none:
 * its master is spark.master when a spark.* system property sets it (spark-submit does), else
 * joblib4j.spark.master, else local[*]. SparkContext registers a shutdown hook that stops it when
 * the JVM exits, so a context made here is stopped then, and one the program made is left to it.
 * </pre>
 */
final class SparkContexts {
  /** The system property that overrides the embedded default master {@code local[*]}. */
  static final String MASTER_PROPERTY = "joblib4j.spark.master";

  private SparkContexts() {}

  /** Returns the active context, creating a local one when there is none. */
  static synchronized SparkContext get() {
    Option<SparkContext> active = SparkContext$.MODULE$.getActive();
    if (active.isDefined() && !active.get().isStopped()) {
      return active.get();
    }
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      String master = System.getProperty(MASTER_PROPERTY);
      conf.setMaster(master == null || master.isBlank() ? "local[*]" : master.trim());
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName("joblib4j");
    }
    try {
      return SparkContext.getOrCreate(conf);
    } catch (RuntimeException e) {
      throw new JoblibException(
          String.format(
              Locale.ROOT,
              "Could not create a SparkContext with master %s: %s. Check the master URL (set"
                  + " -D%s=local[*] or spark://host:port, or run under spark-submit).",
              conf.get("spark.master"),
              e.getMessage(),
              MASTER_PROPERTY),
          e);
    }
  }
}
