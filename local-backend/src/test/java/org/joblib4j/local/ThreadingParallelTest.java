package org.joblib4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.joblib4j.Joblib;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Require;
import org.junit.jupiter.api.Test;

/** joblib's test_parallel cases that need a real pool, on the default threading backend. */
class ThreadingParallelTest {

  static String threadName(int ignored) {
    return Thread.currentThread().getName();
  }

  @Test
  void run_noBackendNamed_runsOnThreadingPool() {
    List<String> names =
        new Parallel().nJobs(2).batchSize(1)
            .run(IntStream.range(0, 8).mapToObj(i -> delayed(ThreadingParallelTest::threadName, i)));

    assertThat(names).allMatch(n -> n.startsWith("joblib4j-threading-"));
  }

  @Test
  void run_requireSharedMem_tasksAddToOneSharedSet() {
    // joblib: Parallel(n_jobs=2, require="sharedmem")(delayed(collect)(i) for i in range(5))
    Set<Integer> shared = ConcurrentHashMap.newKeySet();

    new Parallel().nJobs(2).require(Require.SHARED_MEM)
        .run(IntStream.range(0, 5).mapToObj(i -> delayed(() -> shared.add(i))));

    assertThat(shared).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void effectiveNJobs_joblibArithmetic() {
    int cpus = Joblib.cpuCount();

    assertThat(Joblib.effectiveNJobs(-1)).isEqualTo(cpus);
    assertThat(Joblib.effectiveNJobs(-2)).isEqualTo(Math.max(cpus - 1, 1));
    assertThat(Joblib.effectiveNJobs(-100)).isEqualTo(1);
    assertThat(Joblib.effectiveNJobs(3)).isEqualTo(3);
    assertThat(Joblib.effectiveNJobs()).as("unset: the backend's default").isEqualTo(1);
    try (ParallelConfig.Scope s = ParallelConfig.nJobs(3).enter()) {
      assertThat(Joblib.effectiveNJobs()).isEqualTo(3);
    }
    assertThatThrownBy(() -> Joblib.effectiveNJobs(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nJobs must not be 0");
  }

  @Test
  void run_nJobsUnset_runsInCallingThread() {
    String caller = Thread.currentThread().getName();

    List<String> names =
        new Parallel().run(IntStream.range(0, 3).mapToObj(i -> delayed(ThreadingParallelTest::threadName, i)));

    assertThat(names).containsOnly(caller);
  }

  @Test
  void verbose_twelveTasksFromGenerator_printsJoblibLines() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      new Parallel().nJobs(2).verbose(10).batchSize(1)
          .run(IntStream.range(0, 12).mapToObj(i -> delayed(ThreadingParallelTest::threadName, i))
              .iterator());
    } finally {
      System.setErr(original);
    }
    List<String> lines =
        captured.toString(StandardCharsets.UTF_8).lines()
            .filter(l -> l.startsWith("[Parallel(n_jobs=2)]: "))
            .toList();

    assertThat(lines.get(0))
        .isEqualTo("[Parallel(n_jobs=2)]: Using backend ThreadingBackend with 2 concurrent workers.");
    assertThat(lines.get(1)).matches(
        Pattern.quote("[Parallel(n_jobs=2)]: Done   1 tasks      | elapsed: ") + " +\\d+\\.\\ds");
    assertThat(lines.get(lines.size() - 1)).matches(
        Pattern.quote("[Parallel(n_jobs=2)]: Done  12 out of  12 | elapsed: ")
            + " +\\d+\\.\\ds finished");
    // Every "Done N out of M |" line of one run has the same width (joblib's pretty print).
    Pattern outOf = Pattern.compile("Done( +\\d+) out of( +\\d+) \\|");
    for (String line : lines) {
      Matcher m = outOf.matcher(line);
      if (m.find()) {
        assertThat(m.group(1)).as("a space, then the count in width 3").hasSize(4);
        assertThat(m.group(2)).hasSize(4);
      }
    }
  }

  @Test
  void progressListener_everyBatch_seesCountsUpToTotal() {
    List<org.joblib4j.ProgressListener.Progress> seen =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    org.joblib4j.ProgressListener listener =
        new org.joblib4j.ProgressListener() {
          @Override
          public void onProgress(Progress progress) {
            seen.add(progress);
          }

          @Override
          public void onFinish(Progress progress) {
            seen.add(progress);
          }
        };

    new Parallel().nJobs(2).batchSize(5).progressListener(listener)
        .run(IntStream.range(0, 100).mapToObj(i -> delayed(ThreadingParallelTest::threadName, i))
            .toList());

    assertThat(seen).isNotEmpty();
    assertThat(seen).extracting(org.joblib4j.ProgressListener.Progress::totalTasks).containsOnly(100L);
    assertThat(seen).extracting(org.joblib4j.ProgressListener.Progress::completedTasks)
        .isSorted().endsWith(100L, 100L);
  }

  @Test
  void progressBar_plainLines_reachTotal() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

    new Parallel().nJobs(2)
        .progressListener(new org.joblib4j.ProgressBar(out, java.time.Duration.ZERO))
        .run(IntStream.range(0, 50).mapToObj(i -> delayed(ThreadingParallelTest::threadName, i))
            .toList());

    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("50/50");
  }
}
