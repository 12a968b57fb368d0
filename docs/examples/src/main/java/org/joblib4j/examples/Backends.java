package org.joblib4j.examples;

import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;

/** The snippets of the guide's page on backends, {@code docs/backends.md}. */
public final class Backends {
  private Backends() {}

  /** Uses the {@code pool} backend, found through {@code META-INF/services}. */
  public static List<String> usePool() {
    // snippet:use-backend
    // src/main/resources/META-INF/services/org.joblib4j.spi.BackendFactory holds the line
    //   org.joblib4j.examples.PoolBackendFactory
    List<String> threads = new Parallel().backend("pool").nJobs(2).batchSize(1)
        .run(IntStream.range(0, 4).mapToObj(i -> delayed(() -> Thread.currentThread().getName())));
    // every element is "pool-backend"
    // end:use-backend
    return threads;
  }

  /** Registers a backend under another name, in code. */
  public static List<String> register() {
    // snippet:register-backend
    ParallelConfig.registerBackend("my-pool", new PoolBackendFactory());
    try (ParallelConfig.Scope scope = ParallelConfig.backend("my-pool").nJobs(2).enter()) {
      return new Parallel().batchSize(1)
          .run(IntStream.range(0, 2).mapToObj(i -> delayed(() -> Thread.currentThread().getName())));
    } finally {
      ParallelConfig.unregisterBackend("my-pool");
    }
    // end:register-backend
  }
}
