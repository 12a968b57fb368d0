package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.joblib4j.spi.BackendFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's three lookup failures, each with its own message (Spark's plugin SPI). */
class BackendRegistryTest {
  @TempDir Path dir;

  private ClassLoader loaderListing(String... factoryClasses) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(BackendFactory.class.getName()), String.join("\n", factoryClasses));
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
  }

  private <T> T withContextLoader(ClassLoader loader, java.util.function.Supplier<T> action) {
    Thread t = Thread.currentThread();
    ClassLoader previous = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    BackendRegistry.rescan();
    try {
      return action.get();
    } finally {
      t.setContextClassLoader(previous);
      BackendRegistry.rescan();
    }
  }

  @Test
  void lookup_discoveredByServiceLoader_findsTestFactory() {
    assertThat(BackendRegistry.lookup("executor").getClass().getSimpleName())
        .isEqualTo("ExecutorServiceBackendFactory");
    assertThat(BackendRegistry.names()).contains("executor", "sequential");
  }

  @Test
  void lookup_nameProvidedTwice_namesBothProviders() throws IOException {
    ClassLoader loader =
        loaderListing(
            "org.joblib4j.testing.DuplicateFactoryA", "org.joblib4j.testing.DuplicateFactoryB");

    assertThatThrownBy(() -> withContextLoader(loader, () -> BackendRegistry.lookup("twice")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Backend name \"twice\" is provided by both org.joblib4j.testing.DuplicateFactoryA and"
                + " org.joblib4j.testing.DuplicateFactoryB; remove one of them from the class"
                + " path.");
  }

  @Test
  void lookup_providerFailsToLoad_namesItAndKeepsOthersWorking() throws IOException {
    ClassLoader loader = loaderListing("org.joblib4j.testing.NoSuchFactory");

    assertThatThrownBy(() -> withContextLoader(loader, () -> BackendRegistry.lookup("gone")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not load backend factory")
        .hasMessageContaining("org.joblib4j.testing.NoSuchFactory")
        .hasMessageContaining("remove or upgrade that library");
    assertThat(withContextLoader(loader, () -> BackendRegistry.lookup("executor"))).isNotNull();
  }
}
