package org.joblib4j.bench;

import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario P3's warm half: one {@code Parallel} call of 10 trivial tasks with two jobs on a pool
 * that is already up (threads of the shared pool, or worker JVMs kept alive between calls).
 * Target for {@code processes}: at most 1 ms per call (Python joblib's loky: 1.7 ms).
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -q -B -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar WarmCallBenchmark -f 1 -wi 5 -i 5 -w 1s -r 1s
 * </pre>
 *
 * <p>Add {@code -p backend=processes} once the {@code processes} backend is on the class path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
    })
public class WarmCallBenchmark {
  /** The backend the calls run on. */
  @Param({"threading"})
  public String backend;

  /** Starts the pool with a first call, so that every measured call finds it warm. */
  @Setup(Level.Trial)
  public void setUp() {
    call();
  }

  /** One call of 10 trivial tasks. */
  @Benchmark
  public List<Integer> call() {
    return new Parallel()
        .backend(backend)
        .nJobs(2)
        .run(IntStream.range(0, 10).mapToObj(i -> delayed(Work::identity, -i)));
  }
}
