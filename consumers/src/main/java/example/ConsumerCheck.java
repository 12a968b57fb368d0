package example;

import static org.joblib4j.Delayed.delayed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Joblib;
import org.joblib4j.Parallel;
import org.joblib4j.SerializableFunction;
import org.joblib4j.memory.Memory;

/**
 * What a program that depends on joblib4j-local through the BOM does: a parallel loop on worker
 * JVMs and on threads, a cached function, and a dump and load. Exits with status 1 when a result is
 * wrong.
 */
public final class ConsumerCheck {
  private static final AtomicInteger SQUARE_CALLS = new AtomicInteger();

  private ConsumerCheck() {}

  /** Runs in a worker JVM: a dump and load there, through the zstd codec's native library. */
  static Long dumpInWorker(String file) {
    double[] values = IntStream.range(0, 1000).mapToDouble(i -> i).toArray();
    Joblib.dump(values, Path.of(file));
    double[] back = Objects.requireNonNull(Joblib.load(Path.of(file), double[].class));
    if (!Arrays.equals(values, back)) {
      throw new IllegalStateException("dump and load in a worker gave other values");
    }
    return ProcessHandle.current().pid();
  }

  static double[] square(double[] values) {
    SQUARE_CALLS.incrementAndGet();
    return Arrays.stream(values).map(v -> v * v).toArray();
  }

  public static void main(String[] args) throws IOException {
    Path work = Files.createTempDirectory("joblib4j-consumer");
    try {
      List<Double> expectedRoots =
          IntStream.range(0, 10).mapToObj(i -> (double) i).collect(Collectors.toList());

      // joblib: Parallel(n_jobs=2, backend="loky")(delayed(sqrt)(i ** 2) for i in range(10))
      List<Double> roots =
          new Parallel()
              .backend("processes")
              .nJobs(2)
              .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
      check("processes", expectedRoots, roots);

      String inWorker = work.resolve("in-worker.jl.zst").toString();
      List<Long> pids =
          new Parallel()
              .backend("processes")
              .nJobs(2)
              .run(Stream.of(delayed(ConsumerCheck::dumpInWorker, inWorker)));
      check("ran in a worker JVM", true, pids.get(0) != ProcessHandle.current().pid());

      List<Double> threaded =
          new Parallel()
              .backend("threading")
              .nJobs(2)
              .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
      check("threading", expectedRoots, threaded);

      Memory memory = new Memory(work.resolve("cache"));
      SerializableFunction<double[], double[]> cachedSquare = memory.cache(ConsumerCheck::square);
      double[] input = {1, 2, 3};
      double[] first = cachedSquare.apply(input);
      double[] second = cachedSquare.apply(input.clone());
      check("Memory result", List.of(1.0, 4.0, 9.0), boxed(first));
      check("Memory cached result", List.of(1.0, 4.0, 9.0), boxed(second));
      check("Memory calls", 1, SQUARE_CALLS.get());

      Map<String, Object> model = new LinkedHashMap<>();
      model.put("weights", IntStream.range(0, 100_000).mapToDouble(i -> i * 0.5).toArray());
      model.put("name", "consumer");
      Path file = work.resolve("model.jl.zst");
      Joblib.dump(model, file);
      @SuppressWarnings("unchecked")
      Map<String, Object> loaded = Joblib.load(file, Map.class);
      check("load name", "consumer", Objects.requireNonNull(loaded).get("name"));
      check(
          "load weights",
          true,
          Arrays.equals((double[]) model.get("weights"), (double[]) loaded.get("weights")));
      check("hash", Joblib.hash(model), Joblib.hash(loaded));

      System.out.println(
          "consumer OK: processes, threading, Memory, dump/load on Java "
              + Runtime.version().feature());
    } finally {
      deleteTree(work);
    }
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().collect(Collectors.toList());
  }

  private static void check(String what, Object expected, Object actual) {
    if (!expected.equals(actual)) {
      System.err.println("consumer FAILED: " + what + ": expected " + expected + ", got " + actual);
      System.exit(1);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
