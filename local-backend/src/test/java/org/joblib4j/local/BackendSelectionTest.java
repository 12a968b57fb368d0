package org.joblib4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Joblib;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Prefer;
import org.joblib4j.Require;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** joblib's backend hinting and constraints (test_backend_hinting_and_constraints). */
class BackendSelectionTest {
  static long pid(int ignored) {
    return ProcessHandle.current().pid();
  }

  private static List<Long> pidsOf(Parallel parallel) {
    return parallel
        .batchSize(1)
        .run(IntStream.range(0, 6).mapToObj(i -> delayed(BackendSelectionTest::pid, i)));
  }

  private static final long SELF = ProcessHandle.current().pid();

  @AfterEach
  void clearProperties() {
    System.clearProperty("joblib4j.backend");
  }

  @Test
  void scopeNamingProcesses_movesLibraryCodeToWorkerJvms() {
    try (ParallelConfig.Scope s = ParallelConfig.backend("processes").nJobs(2).enter()) {
      assertThat(pidsOf(new Parallel())).doesNotContain(SELF);
    }
  }

  @Test
  void requireSharedMem_insideScopeNamingProcesses_runsOnThreads() {
    try (ParallelConfig.Scope s = ParallelConfig.backend("processes").nJobs(2).enter()) {
      assertThat(pidsOf(new Parallel().nJobs(2).require(Require.SHARED_MEM))).containsOnly(SELF);
    }
  }

  @Test
  void requireSharedMem_withProcessesNamedOnParallel_failsBeforeRunning() {
    assertThatThrownBy(
            () -> pidsOf(new Parallel().backend("processes").nJobs(2).require(Require.SHARED_MEM)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Backend \"processes\" does not support shared memory");
  }

  @Test
  void preferProcesses_noBackendNamed_runsInWorkerJvms() {
    assertThat(pidsOf(new Parallel().nJobs(2).prefer(Prefer.PROCESSES))).doesNotContain(SELF);
  }

  @Test
  void preferThreads_ignoredWhenBackendNamed() {
    assertThat(pidsOf(new Parallel().backend("loky").nJobs(2).prefer(Prefer.THREADS)))
        .doesNotContain(SELF);
  }

  @Test
  void systemProperty_namesProcesses_libraryCodeRunsInWorkers() {
    System.setProperty("joblib4j.backend", "multiprocessing");
    assertThat(pidsOf(new Parallel().nJobs(2))).doesNotContain(SELF);
  }

  static long slowPid(int ignored) {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ProcessHandle.current().pid();
  }

  private static List<Long> slowPidsOf(Parallel parallel) {
    return parallel
        .batchSize(1)
        .run(
            IntStream.range(0, 4 * Joblib.cpuCount())
                .mapToObj(i -> delayed(BackendSelectionTest::slowPid, i)));
  }

  @Test
  void systemPropertyAlone_namesProcesses_libraryCodeUsesEveryWorker() {
    System.setProperty("joblib4j.backend", "processes");
    // Library code that sets nothing: joblib's parallel_backend(name) default of n_jobs=-1.
    assertThat(new HashSet<>(slowPidsOf(new Parallel())))
        .hasSize(Joblib.cpuCount())
        .doesNotContain(SELF);
  }

  @Test
  void scopeNamingBackendWithoutNJobs_usesEveryWorker_whileNothingSetStaysInTheCallingThread() {
    assertThat(pidsOf(new Parallel())).containsOnly(SELF);
    try (ParallelConfig.Scope s = ParallelConfig.backend("processes").enter()) {
      assertThat(new HashSet<>(slowPidsOf(new Parallel())))
          .hasSize(Joblib.cpuCount())
          .doesNotContain(SELF);
    }
  }

  @Test
  void requireSharedMem_insideScopeNamingProcesses_saysSoAtVerbose10() {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try (ParallelConfig.Scope s = ParallelConfig.backend("processes").nJobs(2).enter()) {
      assertThat(pidsOf(new Parallel().nJobs(2).require(Require.SHARED_MEM).verbose(10)))
          .containsOnly(SELF);
    } finally {
      System.setErr(original);
    }
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains(
            "Using ThreadingBackend as joblib backend instead of processes as the latter does not"
                + " provide shared memory semantics.");
  }
}
