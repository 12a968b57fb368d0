package org.joblib4j.spi;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ProgressListener;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every backend meets: the same scenarios, run on each backend. A backend's test class
 * extends this one and returns its factory; scenarios for capabilities the backend lacks skip
 * themselves.
 *
 * <p>Tasks are static methods of this class, so they serialize for process and cluster backends as
 * long as the test classes are on the workers' class path.
 */
@Timeout(value = 120, unit = SECONDS)
public abstract class BackendContractTest {

  /** Returns the factory of the backend under test. */
  protected abstract BackendFactory factory();

  /** Returns the number of jobs the scenarios use; at least 2 for the parallel ones. */
  protected int nJobs() {
    return 2;
  }

  /** Returns a {@code Parallel} on the backend under test. */
  protected Parallel parallel() {
    return new Parallel().backend(factory().name()).nJobs(nJobs());
  }

  /**
   * Returns whether the backend looks into a running batch: it reports the results of tasks done
   * while others of their batch still run ({@link ParallelBackend#submit(TaskBatch,
   * ParallelBackend.EarlyResults)}) and lets idle workers run the tasks a slow one holds back.
   */
  protected boolean splitsRunningBatches() {
    return false;
  }

  private boolean has(Capability c) {
    return factory().capabilities().contains(c);
  }

  // Tasks, as static methods so that they serialize by reference.

  static double sqrt(double x) {
    return Math.sqrt(x);
  }

  static int sleepThenReturn(int millis, int value) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return value;
  }

  static int failWith(String message) {
    throw new IllegalArgumentException(message);
  }

  static int nestedSum(int n) {
    return new Parallel()
            .run(IntStream.range(0, n).mapToObj(i -> delayed(BackendContractTest::identity, i)))
            .stream()
            .mapToInt(Integer::intValue)
            .sum();
  }

  static int identity(int i) {
    return i;
  }

  /** Keeps a core busy for {@code millis} without blocking, so no interrupt reaches the task. */
  static int spin(int millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    long x = 0;
    while (System.nanoTime() < end) {
      x++;
    }
    return (int) (x & 1);
  }

  static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  static int nestingLevel(int ignored) {
    return ParallelConfig.current().nestingLevel();
  }

  @Test
  void run_callerInterrupted_endsAtTheNextTaskBoundaryKeepingTheFlag() throws Exception {
    for (int nJobs : new int[] {1, nJobs()}) {
      Thread caller = Thread.currentThread();
      java.util.concurrent.ScheduledExecutorService interrupter =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      try {
        interrupter.schedule(caller::interrupt, 300, java.util.concurrent.TimeUnit.MILLISECONDS);
        // 40 tasks of 100 ms that never block: ignoring the interrupt, the call would succeed.
        assertThatThrownBy(
                () ->
                    parallel()
                        .nJobs(nJobs)
                        .batchSize(1)
                        .run(
                            IntStream.range(0, 40)
                                .mapToObj(i -> delayed(BackendContractTest::spin, 100))))
            .isInstanceOf(org.joblib4j.JoblibException.class)
            .hasMessageContaining("nterrupted");
        assertThat(Thread.interrupted()).as("the interrupt flag is kept").isTrue();
      } finally {
        interrupter.shutdownNow();
        interrupter.awaitTermination(5, SECONDS);
        Thread.interrupted();
      }
    }
  }

  @Test
  void run_taskOverflowsItsStack_failsWithTheErrorAsCause_andTheNextCallRuns() {
    for (int nJobs : new int[] {1, nJobs()}) {
      Parallel p = parallel().nJobs(nJobs);
      List<Task<Integer>> tasks =
          List.of(
              delayed(BackendContractTest::identity, 1), delayed(BackendContractTest::recurse, 0));

      assertThatThrownBy(() -> p.run(tasks))
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(StackOverflowError.class)
          .hasMessageContaining("recurse");
      assertThat(
              p.run(
                  IntStream.range(0, 10).mapToObj(i -> delayed(BackendContractTest::identity, i))))
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }
  }

  @Test
  void run_tasksOfRandomDurations_keepsInputOrder() {
    Random random = new Random(42);
    List<Task<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(delayed(BackendContractTest::sleepThenReturn, random.nextInt(20), i));
    }

    List<Integer> results = parallel().run(tasks);

    assertThat(results).containsExactlyElementsOf(IntStream.range(0, 40).boxed().toList());
  }

  @Test
  void run_manyTinyTasks_returnsEveryResultInOrder() {
    List<Double> results =
        parallel()
            .run(
                IntStream.range(0, 20_000)
                    .mapToObj(i -> delayed(BackendContractTest::sqrt, (double) i * i)));

    assertThat(results).hasSize(20_000);
    for (int i = 0; i < results.size(); i++) {
      assertThat(results.get(i)).isEqualTo((double) i);
    }
  }

  @Test
  void run_parallelStreamInput_keepsInputOrder() {
    List<Integer> results =
        parallel()
            .run(
                IntStream.range(0, 5_000)
                    .parallel()
                    .mapToObj(i -> delayed(BackendContractTest::identity, i)));

    assertThat(results).containsExactlyElementsOf(IntStream.range(0, 5_000).boxed().toList());
  }

  @Test
  void run_emptyInput_returnsEmptyList() {
    assertThat(parallel().<Integer>run(Stream.<Task<Integer>>empty())).isEmpty();
  }

  @Test
  void run_fixedBatchSize_returnsEveryResultInOrder() {
    List<Integer> results =
        parallel()
            .batchSize(7)
            .preDispatch("3*n_jobs")
            .run(IntStream.range(0, 100).mapToObj(i -> delayed(BackendContractTest::identity, i)));

    assertThat(results).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
  }

  @Test
  void run_taskThrows_failsWithOriginalExceptionAsCause() {
    Stream<Task<Integer>> tasks =
        IntStream.range(0, 10)
            .mapToObj(
                i ->
                    i == 3
                        ? delayed(BackendContractTest::failWith, "bad input 3")
                        : delayed(BackendContractTest::identity, i));

    assertThatThrownBy(() -> parallel().run(tasks))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("Task 3")
        .hasMessageContaining("failWith")
        .hasMessageContaining("bad input 3")
        .hasMessageContaining(factory().name())
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad input 3");
  }

  @Test
  void run_firstTaskThrowsWhileLongTasksQueued_returnsWithoutWaitingForThem() {
    assumeTrue(has(Capability.CANCELLATION));
    Stream<Task<Integer>> tasks =
        Stream.concat(
            Stream.of(delayed(BackendContractTest::failWith, "first")),
            IntStream.range(0, 100)
                .mapToObj(i -> delayed(BackendContractTest::sleepThenReturn, 10_000, i)));

    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () ->
            assertThatThrownBy(() -> parallel().batchSize(1).run(tasks))
                .isInstanceOf(TaskFailedException.class)
                .cause()
                .hasMessage("first"));
  }

  @Test
  void run_infiniteStreamWithFailingTask_failsAndStopsReadingTheInput() {
    AtomicLong produced = new AtomicLong();
    Stream<Task<Integer>> infinite =
        Stream.iterate(0, i -> i + 1)
            .peek(i -> produced.incrementAndGet())
            .map(
                i ->
                    i == 20
                        ? delayed(BackendContractTest::failWith, "bad input 20")
                        : delayed(BackendContractTest::identity, i));

    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            assertThatThrownBy(() -> parallel().run(infinite))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("Task 20"));
    long readWhenFailed = produced.get();
    // Finite and far from endless: the failing batch's answer races the doubling batches of the
    // other workers, so the exact count depends on the machine's load.
    assertThat(readWhenFailed).isBetween(21L, 1_000_000L);
    assertThat(produced.get()).isEqualTo(readWhenFailed);
  }

  @Test
  void run_streamInput_readsNoFurtherAheadThanPreDispatchAllows() {
    AtomicLong completed = new AtomicLong();
    AtomicLong maxAhead = new AtomicLong();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onProgress(Progress progress) {
            completed.set(progress.completedTasks());
          }
        };
    Stream<Task<Integer>> tasks =
        IntStream.range(0, 60)
            .peek(i -> maxAhead.accumulateAndGet(i + 1 - completed.get(), Math::max))
            .mapToObj(i -> delayed(BackendContractTest::sleepThenReturn, 5, i));

    List<Integer> results =
        parallel().batchSize(1).preDispatch("2*n_jobs").progressListener(listener).run(tasks);

    assertThat(results).containsExactlyElementsOf(IntStream.range(0, 60).boxed().toList());
    // In flight: 2 * nJobs pre-dispatched batches, plus one chunk of nJobs batches being formed.
    assertThat(maxAhead.get()).isLessThanOrEqualTo(4L * nJobs() + 1);
  }

  @Test
  void run_streamInput_closesTheStreamWhetherTheCallSucceedsOrFails() {
    AtomicBoolean closedAfterSuccess = new AtomicBoolean();
    AtomicBoolean closedAfterFailure = new AtomicBoolean();

    parallel()
        .run(
            IntStream.range(0, 10)
                .mapToObj(i -> delayed(BackendContractTest::identity, i))
                .onClose(() -> closedAfterSuccess.set(true)));
    assertThatThrownBy(
            () ->
                parallel()
                    .run(
                        Stream.of(delayed(BackendContractTest::failWith, "boom"))
                            .onClose(() -> closedAfterFailure.set(true))))
        .isInstanceOf(TaskFailedException.class);

    assertThat(closedAfterSuccess).isTrue();
    assertThat(closedAfterFailure).isTrue();
  }

  @Test
  void stream_infiniteInputClosedEarly_yieldsFirstResultsAndStops() {
    Iterator<Task<Integer>> infinite =
        Stream.iterate(0, i -> i + 1)
            .map(i -> delayed(BackendContractTest::identity, i))
            .iterator();

    List<Integer> first;
    try (Stream<Integer> results = parallel().stream(infinite)) {
      first = results.limit(50).collect(Collectors.toList());
    }

    assertThat(first).containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
  }

  @Test
  void stream_slowFirstTaskBeforeAnEndlessInput_readsBoundedInputWhileWaitingForIt() {
    AtomicLong produced = new AtomicLong();
    Iterator<Task<Integer>> endless =
        Stream.iterate(0, i -> i + 1)
            .peek(i -> produced.incrementAndGet())
            .map(
                i ->
                    i == 0
                        ? delayed(BackendContractTest::sleepThenReturn, 1_500, 0)
                        : delayed(BackendContractTest::identity, i))
            .iterator();

    List<Integer> first;
    try (Stream<Integer> results = parallel().stream(endless)) {
      first = results.limit(10).collect(Collectors.toList());
    }

    assertThat(first).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
    // Unbounded, the other workers would read millions of tasks in those 1.5 s.
    assertThat(produced.get()).isLessThan(1_000_000L);
  }

  @Test
  void streamUnordered_oneSlowTask_yieldsFastTasksFirst() {
    assumeTrue(nJobs() >= 2);
    Stream<Task<Integer>> tasks =
        IntStream.range(0, 10)
            .mapToObj(
                i ->
                    i == 0
                        ? delayed(BackendContractTest::sleepThenReturn, 3_000, 0)
                        : delayed(BackendContractTest::sleepThenReturn, 10, i));

    List<Integer> results;
    try (Stream<Integer> s = parallel().batchSize(1).streamUnordered(tasks)) {
      results = s.collect(Collectors.toList());
    }

    assertThat(results)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).boxed().toList());
    assertThat(results.get(0)).isNotEqualTo(0);
    assertThat(results.get(results.size() - 1)).isEqualTo(0);
  }

  @Test
  void streamUnordered_slowTaskInsideABatch_yieldsEveryOtherTaskFirst() {
    assumeTrue(nJobs() >= 2 && splitsRunningBatches());
    // Two batches of five; the second task of the first one is slow. Its batch-mates before it are
    // reported early, those after it run on the other worker once it is free.
    Stream<Task<Integer>> tasks =
        IntStream.range(0, 10)
            .mapToObj(i -> delayed(BackendContractTest::sleepThenReturn, i == 1 ? 3_000 : 20, i));

    List<Integer> results;
    try (Stream<Integer> s = parallel().batchSize(5).streamUnordered(tasks)) {
      results = s.collect(Collectors.toList());
    }

    assertThat(results)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).boxed().toList());
    assertThat(results.get(results.size() - 1)).isEqualTo(1);
  }

  @Test
  void run_slowTaskInsideABatch_keepsInputOrderWhenItsBatchIsSplit() {
    assumeTrue(nJobs() >= 2);
    Stream<Task<Integer>> tasks =
        IntStream.range(0, 40)
            .mapToObj(i -> delayed(BackendContractTest::sleepThenReturn, i % 10 == 1 ? 300 : 5, i));

    List<Integer> results = parallel().batchSize(10).run(tasks);

    assertThat(results).containsExactlyElementsOf(IntStream.range(0, 40).boxed().toList());
  }

  @Test
  void run_taskLongerThanTimeout_failsWithTaskTimeoutException() {
    assumeTrue(has(Capability.TIMEOUT));
    Parallel p = parallel().timeout(Duration.ofMillis(500));

    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () ->
            assertThatThrownBy(
                    () ->
                        p.run(
                            Stream.of(
                                delayed(BackendContractTest::sleepThenReturn, 20_000, 1),
                                delayed(BackendContractTest::sleepThenReturn, 20_000, 2))))
                .isInstanceOf(TaskTimeoutException.class)
                .hasMessageContaining(factory().name()));
  }

  @Test
  void run_oneHungTaskAmongQuickOnes_timesOutAfterTheTimeoutNotAfterTheOthers() {
    assumeTrue(has(Capability.TIMEOUT));
    assumeTrue(nJobs() >= 2);
    // The other worker keeps finishing quick tasks for about 9 s: a timeout that waited for "no
    // completion at all" would fire only after them.
    Stream<Task<Integer>> tasks =
        IntStream.range(0, 60)
            .mapToObj(
                i ->
                    i == 0
                        ? delayed(BackendContractTest::sleepThenReturn, 60_000, 0)
                        : delayed(BackendContractTest::sleepThenReturn, 150, i));
    Parallel p = parallel().batchSize(1).timeout(Duration.ofSeconds(1));

    long start = System.nanoTime();
    assertThatThrownBy(() -> p.run(tasks))
        .isInstanceOf(TaskTimeoutException.class)
        .hasMessageContaining("Task 0 (")
        .hasMessageContaining(factory().name());
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(seconds).as("seconds until the timeout").isLessThan(5.0);
    assertThat(parallel().run(Stream.of(delayed(BackendContractTest::identity, 7))))
        .containsExactly(7);
  }

  @Test
  void run_slowTasksOfKnownNumber_failSoonAfterTheFailingTaskStarts() {
    assumeTrue(nJobs() == 2);
    // 20 tasks of 2 s on two workers where task 3 throws: one task per worker until their time is
    // known, as joblib's schedule, puts task 3 on a worker at about 2 s. Batches sized for the
    // whole input up front (5 tasks each) would reach it only after tasks 0 to 2, at 6 s.
    List<Task<Integer>> tasks =
        IntStream.range(0, 20)
            .mapToObj(
                i ->
                    i == 3
                        ? delayed(BackendContractTest::failWith, "task 3 fails")
                        : delayed(BackendContractTest::sleepThenReturn, 2_000, i))
            .toList();

    long start = System.nanoTime();
    assertThatThrownBy(() -> parallel().run(tasks))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("Task 3");
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(seconds).as("seconds until the failure").isLessThan(4.5);
  }

  @Test
  void session_reusedInLoop_accumulatesAsJoblibExample() {
    // joblib: with Parallel(n_jobs=2) as parallel: accumulate sqrt(acc + i*i) until acc >= 1000
    double accumulator = 0;
    int rounds = 0;
    try (Parallel.Session session = parallel().open()) {
      while (accumulator < 1000) {
        final double acc = accumulator;
        List<Double> results =
            session.run(
                IntStream.range(0, 5)
                    .mapToObj(i -> delayed(BackendContractTest::sqrt, acc + i * i)));
        double sum = 0;
        for (double r : results) {
          sum += r;
        }
        accumulator += sum;
        rounds++;
      }
    }

    assertThat(rounds).isEqualTo(14);
    assertThat(accumulator).isEqualTo(1136.5969161564717);
  }

  @Test
  void run_parallelInsideTask_runsNestedAtLevelOne() {
    assumeTrue(nJobs() >= 2, "one job runs in the caller's thread, at the caller's level");
    List<Integer> sums =
        parallel()
            .run(
                IntStream.range(1, 5)
                    .mapToObj(n -> delayed(BackendContractTest::nestedSum, n * 10)));
    List<Integer> levels =
        parallel()
            .run(
                IntStream.range(0, 4).mapToObj(i -> delayed(BackendContractTest::nestingLevel, i)));

    assertThat(sums).containsExactly(45, 190, 435, 780);
    assertThat(levels).containsOnly(1);
  }

  @Test
  void run_taskReturnsNull_keepsNullInPlace() {
    List<Object> results =
        parallel()
            .run(
                Stream.of(
                    delayed(BackendContractTest::identity, 1),
                    delayed(() -> (Object) null),
                    delayed(BackendContractTest::identity, 3)));

    assertThat(results).containsExactly(1, null, 3);
  }

  @Test
  void run_nullTaskInInput_failsNamingItsIndex() {
    List<Task<Integer>> tasks = new ArrayList<>();
    tasks.add(delayed(BackendContractTest::identity, 0));
    tasks.add(null);

    assertThatThrownBy(() -> parallel().run(tasks))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("index 1");
  }

  @Test
  void run_afterFailedCall_backendStillWorks() {
    assertThatThrownBy(
            () -> parallel().run(Stream.of(delayed(BackendContractTest::failWith, "boom"))))
        .isInstanceOf(TaskFailedException.class);

    assertThat(parallel().run(Stream.of(delayed(BackendContractTest::identity, 7))))
        .containsExactly(7);
  }
}
