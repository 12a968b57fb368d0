package org.joblib4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.joblib4j.testing.ExecutorServiceBackendFactory;
import org.joblib4j.testing.LibraryCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scopes, properties, environment and their precedence (joblib's test_config.py). */
class ParallelConfigTest {
  private static final String EXECUTOR = ExecutorServiceBackendFactory.THREAD_PREFIX;

  @AfterEach
  void clearProperties() {
    System.clearProperty("joblib4j.backend");
    System.clearProperty("joblib4j.nJobs");
  }

  @Test
  void libraryCode_insideScope_runsOnScopesBackend() {
    List<String> threads;
    try (ParallelConfig.Scope s = ParallelConfig.backend("executor").nJobs(2).enter()) {
      threads = LibraryCode.threadsOfTasks(6);
    }

    assertThat(threads).allMatch(t -> t.startsWith(EXECUTOR));
    assertThat(ParallelConfig.current().backend()).as("the scope is gone").isEqualTo("threading");
  }

  @Test
  void libraryCode_withSystemProperty_runsOnNamedBackend() {
    System.setProperty("joblib4j.backend", "executor");
    System.setProperty("joblib4j.nJobs", "2");

    assertThat(LibraryCode.threadsOfTasks(6)).allMatch(t -> t.startsWith(EXECUTOR));
  }

  @Test
  void precedence_parallelOverScopeOverPropertyOverEnvironment() {
    System.setProperty("joblib4j.nJobs", "5");
    assertThat(ParallelConfig.current().nJobs()).isEqualTo(5);
    try (ParallelConfig.Scope s = ParallelConfig.nJobs(3).enter()) {
      assertThat(ParallelConfig.current().nJobs()).isEqualTo(3);
      try (ParallelConfig.Scope inner = ParallelConfig.verbose(2).enter()) {
        assertThat(ParallelConfig.current().nJobs()).as("inherited from the outer scope")
            .isEqualTo(3);
        assertThat(ParallelConfig.current().verbose()).isEqualTo(2);
      }
      // An explicit option on the Parallel wins: one job runs in this thread.
      List<String> threads =
          new Parallel().backend("executor").nJobs(1)
              .run(List.of(delayed(() -> Thread.currentThread().getName())));
      assertThat(threads).containsExactly(Thread.currentThread().getName());
    }
  }

  @Test
  void environment_nJobsVariable_readInChildJvm() throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            LibraryCode.class.getName());
    pb.environment().put("JOBLIB4J_N_JOBS", "7");
    pb.environment().put("JOBLIB4J_BACKEND", "executor");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(out).contains("Current[backend=executor, nJobs=7, verbose=0, nestingLevel=0]");
  }

  @Test
  void scope_isConfinedToItsThread() throws Exception {
    try (ParallelConfig.Scope s = ParallelConfig.nJobs(4).enter()) {
      Integer seenElsewhere =
          CompletableFuture.supplyAsync(() -> ParallelConfig.current().nJobs())
              .get(10, TimeUnit.SECONDS);
      assertThat(seenElsewhere).isNull();
      assertThat(ParallelConfig.current().nJobs()).isEqualTo(4);
    }
  }

  @Test
  void scopes_closedOutOfOrder_failWithAdvice() {
    ParallelConfig.Scope outer = ParallelConfig.nJobs(2).enter();
    ParallelConfig.Scope inner = ParallelConfig.nJobs(3).enter();
    try {
      assertThatThrownBy(outer::close)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed out of order");
    } finally {
      inner.close();
      outer.close();
    }
    assertThat(ParallelConfig.current().nJobs()).isNull();
  }

  @Test
  void badInput_eachFailsSayingWhatToDo() {
    assertThatThrownBy(() -> new Parallel().nJobs(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "nJobs must not be 0: use 1 for the calling thread, -1 for all workers, -k for all"
                + " but k-1");
    assertThatThrownBy(() -> new Parallel().batchSize(-1))
        .hasMessage("batchSize must be \"auto\" or a positive integer, got: -1");
    assertThatThrownBy(() -> new Parallel().batchSize("many"))
        .hasMessageContaining("batchSize must be \"auto\" or a positive integer, got: many");
    assertThatThrownBy(() -> new Parallel().preDispatch("2*n_jobs + os"))
        .hasMessageContaining("is not a valid or supported arithmetic expression");
    assertThatThrownBy(() -> ParallelConfig.nJobs(0))
        .hasMessageContaining("nJobs must not be 0");
    assertThatThrownBy(
            () -> new Parallel().prefer(Prefer.PROCESSES).require(Require.SHARED_MEM)
                .run(List.of(delayed(() -> 1))))
        .hasMessageContaining("inconsistent");
  }

  @Test
  void unknownBackend_listsKnownNamesAndWhereBackendsComeFrom() {
    assertThatThrownBy(
            () -> new Parallel().backend("sprak").nJobs(2).run(List.of(delayed(() -> 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("No backend named \"sprak\". Known: [executor, sequential].")
        .hasMessageContaining("ServiceLoader");
    assertThatThrownBy(
            () -> new Parallel().backend("spark").nJobs(2).run(List.of(delayed(() -> 1))))
        .hasMessageContaining("(for \"spark\": joblib4j-spark)");
  }

  @Test
  void requireSharedMem_withProcessBackendNamed_failsBeforeRunning() {
    ParallelConfig.registerBackend("remote-like", new NoSharedMemoryFactory());
    try {
      assertThatThrownBy(
              () -> new Parallel().backend("remote-like").nJobs(2).require(Require.SHARED_MEM)
                  .run(List.of(delayed(() -> 1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not support shared memory");
    } finally {
      ParallelConfig.unregisterBackend("remote-like");
    }
  }

  @Test
  void registerBackend_nameTaken_fails() {
    assertThatThrownBy(
            () -> ParallelConfig.registerBackend("executor", new ExecutorServiceBackendFactory()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already provided by");
  }

  /** A backend without shared memory, as a process backend is. */
  static final class NoSharedMemoryFactory extends ExecutorServiceBackendFactory {
    @Override
    public String name() {
      return "remote-like";
    }

    @Override
    public java.util.Set<org.joblib4j.spi.Capability> capabilities() {
      return java.util.Set.of(org.joblib4j.spi.Capability.REMOTE);
    }
  }
}
