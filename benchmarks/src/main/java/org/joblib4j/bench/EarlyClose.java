package org.joblib4j.bench;

import static org.joblib4j.Delayed.delayed;

import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;

/**
 * Times, in a JVM of its own, how soon closing a {@code Parallel.stream()} early frees the
 * backend's workers: a stream over 1,000 tasks of {@code taskMillis} each, with two jobs, is closed
 * after its fifth result, and a call of two quick tasks follows at once. If the close left tasks
 * running, that call waits for them (up to {@code taskMillis}); if it cancelled them, it runs at
 * once. Run by {@link SideBySide} for scenario P10, which also counts the warning lines this JVM
 * prints; run alone from the repository root:
 *
 * <pre>{@code
 * java -Djoblib4j.spark.master=local[2] -cp benchmarks/target/benchmarks.jar \
 *   org.joblib4j.bench.EarlyClose spark 5 1000
 * }</pre>
 *
 * <p>Arguments: the backend, the number of measured closes, the tasks' duration in milliseconds.
 * Prints {@code RESULT close_<i> <seconds>} (how long {@code close()} took) and {@code RESULT
 * free_<i> <seconds>} (from the close until the quick call returned) for each.
 */
public final class EarlyClose {
  private EarlyClose() {}

  /** Runs the closes; see the class documentation for the arguments. */
  public static void main(String[] args) {
    String backend = args[0];
    int reps = Integer.parseInt(args[1]);
    int taskMillis = Integer.parseInt(args[2]);
    // The pool (threads, worker JVMs, Spark's executors) starts before anything is timed.
    quickCall(backend);
    for (int r = 0; r < reps; r++) {
      long closed;
      long t0;
      try (Stream<Integer> s =
          new Parallel()
              .backend(backend).nJobs(2).stream(
                  IntStream.range(0, 1_000).mapToObj(i -> delayed(Work::sleep, taskMillis)))) {
        Iterator<Integer> it = s.iterator();
        for (int k = 0; k < 5; k++) {
          it.next();
        }
        t0 = System.nanoTime();
      }
      closed = System.nanoTime();
      quickCall(backend);
      long free = System.nanoTime();
      System.out.println("RESULT close_" + r + " " + (closed - t0) / 1e9);
      System.out.println("RESULT free_" + r + " " + (free - t0) / 1e9);
    }
  }

  private static void quickCall(String backend) {
    List<Integer> out =
        new Parallel()
            .backend(backend)
            .nJobs(2)
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(Work::sleep, 1)));
    if (out.size() != 2) {
      throw new IllegalStateException("expected 2 results, got " + out);
    }
  }
}
