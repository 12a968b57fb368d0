package org.joblib4j.bench;

import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;

/**
 * Times, in a fresh JVM, the first {@code Parallel} call of 10 trivial tasks on a backend (the
 * cold pool), then the median of later calls (the warm pool). Run by {@link SideBySide} for
 * scenario P3; prints {@code RESULT cold <seconds>} and {@code RESULT warm <seconds>}.
 */
public final class ColdCall {
  private ColdCall() {}

  /** Runs the calls on the backend named by {@code args[0]} with two jobs. */
  public static void main(String[] args) throws Exception {
    String backend = args[0];
    int warmReps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    long t0 = System.nanoTime();
    List<Integer> first = call(backend);
    double cold = (System.nanoTime() - t0) / 1e9;
    if (first.size() != 10) {
      throw new IllegalStateException("expected 10 results, got " + first);
    }
    double warm = Timing.median(10, warmReps, () -> call(backend));
    System.out.printf(Locale.ROOT, "RESULT cold %s%nRESULT warm %s%n", cold, warm);
    System.out.flush();
    System.exit(0);
  }

  private static List<Integer> call(String backend) {
    return new Parallel()
        .backend(backend)
        .nJobs(2)
        .run(IntStream.range(0, 10).mapToObj(i -> delayed(Work::identity, -i)));
  }
}
