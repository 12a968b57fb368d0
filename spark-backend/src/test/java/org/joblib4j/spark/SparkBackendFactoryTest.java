package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.joblib4j.spi.Capability;
import org.junit.jupiter.api.Test;

/** The factory as the registry sees it, with and without Spark on the class path. */
class SparkBackendFactoryTest {

  @Test
  void factory_foundByServiceLoader_isNamedSparkAndSupportsCancellation() {
    SparkBackendFactory factory = new SparkBackendFactory();

    assertThat(factory.name()).isEqualTo("spark");
    assertThat(factory.capabilities())
        .contains(Capability.CANCELLATION, Capability.TIMEOUT, Capability.REMOTE)
        .doesNotContain(Capability.SHARED_MEMORY);
    assertThat(org.joblib4j.ParallelConfig.backendNames()).contains("spark", "threading");
  }

  @Test
  void classPathWithoutSpark_otherBackendsStillWorkAndSparkFailsClearly() throws Exception {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader noSpark = withoutSpark()) {
      Thread.currentThread().setContextClassLoader(noSpark);
      Class<?> config = Class.forName("org.joblib4j.ParallelConfig", true, noSpark);
      @SuppressWarnings("unchecked")
      Set<String> names = (Set<String>) config.getMethod("backendNames").invoke(null);
      assertThat(names).contains("spark", "threading");

      Object factory =
          Class.forName(SparkBackendFactory.class.getName(), true, noSpark)
              .getConstructor()
              .newInstance();
      Object defaults =
          Class.forName("org.joblib4j.spi.BackendOptions", true, noSpark)
              .getMethod("defaults")
              .invoke(null);
      Class<?> optionsType = defaults.getClass();
      InvocationTargetException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              InvocationTargetException.class,
              () -> factory.getClass().getMethod("create", optionsType).invoke(factory, defaults));
      assertThat(e.getCause())
          .hasMessageContaining("needs Spark Core")
          .hasMessageContaining("spark-submit");
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /** A class loader over the test class path minus Spark and Scala. */
  private static URLClassLoader withoutSpark() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String unix = entry.replace(File.separatorChar, '/');
      if (unix.contains("/org/apache/spark/") || unix.contains("/org/scala-lang/")) {
        continue;
      }
      urls.add(Path.of(entry).toUri().toURL());
    }
    return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
  }
}
