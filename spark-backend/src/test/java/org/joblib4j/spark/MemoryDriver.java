package org.joblib4j.spark;

import static org.joblib4j.Delayed.delayed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.memory.Memory;

/**
 * A driver program run under {@code SparkSubmit} by {@link MemoryOnSparkTest}: calls a cached
 * function inside spark tasks, all sharing one cache folder, and prints one {@code RESULT} line per
 * task.
 */
public final class MemoryDriver {
  /** The number of tasks of each scenario. */
  static final int TASKS = 40;

  /** The number of distinct arguments among them. */
  static final int KEYS = 10;

  private MemoryDriver() {}

  /**
   * Runs {@code captured} (the cached function built here, captured by the tasks) on the cache
   * folder {@code args[0]} and {@code rebuilt} (a memory built inside each task) on {@code
   * args[1]}; {@code args[2]} and {@code args[3]} are their files of computations.
   */
  public static void main(String[] args) {
    SerializableBiFunction<Integer, String, Long> square =
        new Memory(Path.of(args[0])).cache(MemoryDriver::slowSquare);
    String capturedLog = args[2];
    print(
        "captured",
        new Parallel()
            .backend("spark")
            .nJobs(2)
            .batchSize(1)
            .run(
                IntStream.range(0, TASKS)
                    .mapToObj(
                        i -> delayed(MemoryDriver::callCaptured, square, i % KEYS, capturedLog))));
    String folder = args[1];
    String rebuiltLog = args[3];
    print(
        "rebuilt",
        new Parallel()
            .backend("spark")
            .nJobs(2)
            .batchSize(1)
            .run(
                IntStream.range(0, TASKS)
                    .mapToObj(
                        i -> delayed(MemoryDriver::callRebuilt, folder, i % KEYS, rebuiltLog))));
    System.out.printf(Locale.ROOT, "DRIVER pid=%d%n", ProcessHandle.current().pid());
    System.out.println("DONE");
    System.out.flush();
  }

  private static void print(String scenario, List<long[]> out) {
    for (long[] o : out) {
      System.out.printf(Locale.ROOT, "RESULT %s %d %d %d%n", scenario, o[0], o[1], o[2]);
    }
  }

  /**
   * The cached function: squares {@code x} slowly, and records each real computation as a line
   * {@code "<x> <pid>"} appended to the file {@code computations}.
   */
  static long slowSquare(int x, String computations) {
    try {
      Files.writeString(
          Path.of(computations),
          x + " " + ProcessHandle.current().pid() + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Sleep.millis(50);
    return (long) x * x;
  }

  /** Calls the cached function received with the task: {key, value, pid}. */
  static long[] callCaptured(
      SerializableBiFunction<Integer, String, Long> square, int x, String computations) {
    return new long[] {x, square.apply(x, computations), ProcessHandle.current().pid()};
  }

  /** Builds a memory on {@code folder} in the executor and calls its cached function. */
  static long[] callRebuilt(String folder, int x, String computations) {
    SerializableBiFunction<Integer, String, Long> square =
        new Memory(Path.of(folder)).cache(MemoryDriver::slowSquare);
    return new long[] {x, square.apply(x, computations), ProcessHandle.current().pid()};
  }
}
