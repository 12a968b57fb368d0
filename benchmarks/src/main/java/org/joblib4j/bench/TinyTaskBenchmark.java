package org.joblib4j.bench;

import static org.joblib4j.Delayed.delayed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 2's figure: 100,000 tiny tasks ({@code delayed(Math::sqrt, (double) i)}) with two jobs,
 * through {@code new Parallel().backend(b).nJobs(2).run(...)}, against a plain fixed pool of two
 * threads and a parallel stream on a two-thread {@code ForkJoinPool} doing the same work.
 *
 * <p>One operation is the whole call of 100,000 tasks, so the score in ms/op is the time per
 * 100,000 tasks. Run from the repository root:
 *
 * <pre>
 * mvn -q -B -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar TinyTaskBenchmark -f 1 -wi 5 -i 5 -w 2s -r 2s
 * </pre>
 *
 * <p>Target: {@code threading} at least 0.3 times the parallel stream's throughput, and at least
 * 20 times Python joblib's {@code threading} backend on the same work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "-Xmx2g"
    })
public class TinyTaskBenchmark {
  /** The number of tasks per call. */
  static final int TASKS = 100_000;

  /** Whose dispatch runs the tasks: a peer or a joblib4j backend. */
  @Param({"executor-service", "parallel-stream", "threading"})
  public String backend;

  private ExecutorService executor;
  private ForkJoinPool forkJoin;

  /** Starts the peers' pools; joblib4j's backends keep their own. */
  @Setup(Level.Trial)
  public void setUp() {
    executor = Executors.newFixedThreadPool(2);
    forkJoin = new ForkJoinPool(2);
  }

  /** Stops the peers' pools. */
  @TearDown(Level.Trial)
  public void tearDown() {
    executor.shutdownNow();
    forkJoin.shutdownNow();
  }

  /** Runs the 100,000 tasks once and returns their results. */
  @Benchmark
  public List<Double> tinyTasks() throws Exception {
    switch (backend) {
      case "executor-service":
        return executorService(executor, TASKS);
      case "parallel-stream":
        return parallelStream(forkJoin, TASKS);
      default:
        return joblib4j(backend, TASKS);
    }
  }

  /** The work through joblib4j. */
  static List<Double> joblib4j(String backend, int n) {
    return new Parallel()
        .backend(backend)
        .nJobs(2)
        .run(IntStream.range(0, n).mapToObj(i -> delayed(Math::sqrt, (double) i)));
  }

  /** The work as a plain pool would be used by hand: one chunk per thread, then join. */
  static List<Double> executorService(ExecutorService pool, int n)
      throws InterruptedException, ExecutionException {
    int chunks = 2;
    List<Future<double[]>> futures = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) n * c / chunks);
      int to = (int) ((long) n * (c + 1) / chunks);
      futures.add(
          pool.submit(
              () -> {
                double[] out = new double[to - from];
                for (int i = from; i < to; i++) {
                  out[i - from] = Math.sqrt((double) i);
                }
                return out;
              }));
    }
    List<Double> results = new ArrayList<>(n);
    for (Future<double[]> f : futures) {
      for (double d : f.get()) {
        results.add(d);
      }
    }
    return results;
  }

  /** The work as a parallel stream on a pool of two threads. */
  static List<Double> parallelStream(ForkJoinPool pool, int n)
      throws InterruptedException, ExecutionException {
    return pool.submit(
            () ->
                IntStream.range(0, n)
                    .parallel()
                    .mapToObj(i -> Math.sqrt((double) i))
                    .collect(Collectors.toList()))
        .get();
  }
}
