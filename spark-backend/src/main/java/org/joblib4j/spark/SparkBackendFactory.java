package org.joblib4j.spark;

import java.util.EnumSet;
import java.util.Set;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.ParallelBackend;

/**
 * Makes {@code spark} backends: task batches run as Spark jobs on the active {@code SparkContext},
 * or on a {@code local[*]} context made for the purpose when there is none. Found by {@link
 * java.util.ServiceLoader}: putting {@code joblib4j-spark} on the class path is all it takes. This
 * class is thread-safe.
 *
 * <p>Which context a backend uses: the one that is active (the one {@code spark-submit} or the
 * program created); else a new one configured from the {@code spark.*} system properties, whose
 * master is {@code spark.master} when set, else the system property {@code joblib4j.spark.master},
 * else {@code local[*]}. A context made here is stopped when the JVM exits.
 *
 * <p>This class touches no Spark class before {@link #create}, so a program without Spark on its
 * class path still lists and uses the other backends.
 *
 * @since 0.1
 */
public final class SparkBackendFactory implements BackendFactory {
  /** The backend's name: {@code spark}. */
  public static final String NAME = "spark";

  /** Creates the factory; does no work. */
  public SparkBackendFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.TIMEOUT, Capability.CANCELLATION, Capability.REMOTE);
  }

  /**
   * Returns a backend on the active or embedded {@code SparkContext}.
   *
   * @throws org.joblib4j.JoblibException if Spark is not on the class path or the context cannot be
   *     created
   */
  @Override
  public ParallelBackend create(BackendOptions options) {
    try {
      Class.forName(
          "org.apache.spark.SparkContext", false, SparkBackendFactory.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new org.joblib4j.JoblibException(
          "The spark backend needs Spark Core (spark-core_2.13, 4.x) on the class path, and it is"
              + " missing: run the program with spark-submit, add Spark to the class path, or"
              + " choose another backend such as \"threading\" or \"processes\".",
          e);
    }
    return SparkBackend.create(options);
  }
}
