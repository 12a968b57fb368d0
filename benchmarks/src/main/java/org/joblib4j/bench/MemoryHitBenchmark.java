package org.joblib4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.joblib4j.SerializableFunction;
import org.joblib4j.memory.Memory;
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
 * Scenario P7: a {@code Memory} hit, a call of a cached {@code square} whose result is on disk
 * already, with a small argument ({@code double[100]}) or a large one. The argument is hashed and
 * the result read back on every call. Targets: at most 0.1 ms small, 40 ms for 64 MB (Python
 * joblib: 0.19 ms and 115 ms).
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -q -B -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar MemoryHitBenchmark -f 1 -wi 5 -i 5 -w 1s -r 1s
 * </pre>
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
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "-Xmx2g"
    })
public class MemoryHitBenchmark {
  /** The argument's length in doubles: 100, or 8Mi (64 MB). */
  @Param({"100", "8388608"})
  public int length;

  private Path folder;
  private double[] argument;
  private SerializableFunction<double[], double[]> square;

  /** Caches the result once, so that every measured call is a hit. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    folder = Files.createTempDirectory("joblib4j-memory-bench-");
    square = new Memory(folder).verbose(0).cache(Work::square);
    argument = LongStream.range(0, length).mapToDouble(i -> i).toArray();
    square.apply(argument);
  }

  /** Removes the cache folder. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One cached call. */
  @Benchmark
  public double[] hit() {
    return square.apply(argument);
  }
}
