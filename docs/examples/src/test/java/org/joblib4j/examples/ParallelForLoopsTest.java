package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.joblib4j.ParallelConfig;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ParallelForLoopsTest {
  @Test
  void firstLoop_returnsRootsInInputOrder() {
    assertThat(ParallelForLoops.firstLoop())
        .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
  }

  @Test
  void spellings_allThreeFormsGiveTheExpectedValues() {
    List<List<Double>> r = ParallelForLoops.spellings();
    assertThat(r.get(0)).isEqualTo(ParallelForLoops.firstLoop());
    assertThat(r.get(1)).containsExactly(1.0, 2.0, 4.0, 8.0, 16.0);
    assertThat(r.get(2)).containsExactly(0.0, 1.0, Math.sqrt(2), Math.sqrt(3), 2.0);
  }

  @Test
  void generators_orderedGivesAPrefixAndUnorderedGivesEveryResult() {
    List<List<Double>> r = ParallelForLoops.generators();
    assertThat(r.get(0)).containsExactly(0.0, 1.0, Math.sqrt(2));
    assertThat(r.get(1)).hasSize(10).contains(0.0, 3.0);
  }

  @Test
  void session_accumulatesAsJoblibsExample() {
    assertThat(ParallelForLoops.session()).isCloseTo(1136.596916156, within());
  }

  @Test
  void sharedMemory_everyTaskAddsToTheCallersSet() {
    assertThat(ParallelForLoops.sharedMemory()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void staticList_threading_callerSeesEveryTask() {
    assertThat(ParallelForLoops.staticList("threading")).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void staticList_processes_callerSeesNothing() {
    assumeThat(ParallelConfig.backendNames()).contains("processes");
    assertThat(ParallelForLoops.staticList("processes")).isEmpty();
  }

  @Test
  void errors_failingTaskEndsTheCallWithItsCauseAndIndex() {
    TaskFailedException e = ParallelForLoops.errors();
    assertThat(e.getCause()).isInstanceOf(ArithmeticException.class);
    assertThat(e.taskIndex()).isEqualTo(50);
    assertThat(e.getMessage()).contains("inverse");
  }

  @Test
  void timeout_slowTaskCancelsTheCall() {
    TaskTimeoutException e = ParallelForLoops.timeout();
    assertThat(e.timeout()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void everyOption_runsWithAllOptionsSet(@TempDir Path dir) {
    assertThat(ParallelForLoops.everyOption(dir)).containsExactly(1, 2, 3);
  }

  @Test
  void verbose_returnsEveryResult() {
    assertThat(ParallelForLoops.verbose()).hasSize(1000);
  }

  @Test
  void progressBar_writesTheFinishLineToTheGivenStream() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    assertThat(ParallelForLoops.progressBar(
            new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8)))
        .hasSize(10_000);
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("[Parallel(n_jobs=2)]: done 10000/10000 tasks (100%)");
  }

  @Test
  void scopes_innerScopeOverridesNJobsAndKeepsTheBackend() {
    assertThat(ParallelForLoops.scopes()).contains("threading").contains("nJobs=1");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}
