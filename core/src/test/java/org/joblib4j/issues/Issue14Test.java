package org.joblib4j.issues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskBatch;
import org.junit.jupiter.api.Test;

/** joblib's edges that its test suite checks: zero workers, and a timeout nothing can honour. */
class Issue14Test {
  static int one(int ignored) {
    return 1;
  }

  /** A backend that reports no worker at all. */
  public static final class ZeroWorkersFactory implements BackendFactory {
    @Override
    public String name() {
      return "zero-workers";
    }

    @Override
    public java.util.Set<Capability> capabilities() {
      return java.util.Set.of(Capability.SHARED_MEMORY);
    }

    @Override
    public ParallelBackend create(BackendOptions options) {
      return new ParallelBackend() {
        @Override
        public int effectiveNJobs(int nJobs) {
          return 0;
        }

        @Override
        public CompletableFuture<BatchResult> submit(TaskBatch batch) {
          return CompletableFuture.completedFuture(batch.run());
        }

        @Override
        public void cancelAll() {}

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void run_backendReportsZeroWorkers_failsNamingTheBackend() {
    ParallelConfig.registerBackend("zero-workers", new ZeroWorkersFactory());
    try {
      assertThatThrownBy(
              () ->
                  new Parallel()
                      .backend("zero-workers")
                      .nJobs(2)
                      .run(List.of(delayed(Issue14Test::one, 0))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Backend \"zero-workers\" reports 0 workers for nJobs=2");
    } finally {
      ParallelConfig.unregisterBackend("zero-workers");
    }
  }

  @Test
  void run_timeoutWithOneJob_warnsAsJoblibThatTheSequentialPathHasNoTimeout() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    List<Integer> results;
    try {
      results =
          new Parallel()
              .nJobs(1)
              .timeout(Duration.ofSeconds(1))
              .run(List.of(delayed(Issue14Test::one, 0), delayed(Issue14Test::one, 1)));
    } finally {
      System.setErr(original);
    }

    assertThat(results).containsExactly(1, 1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "The backend class 'SequentialBackend' does not support timeout. You have set"
                + " 'timeout=1' in Parallel but the 'timeout' parameter will not be used.");
  }
}
