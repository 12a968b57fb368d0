package org.joblib4j.spark;

import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.TaskFailedException;

/**
 * A driver program run under {@code SparkSubmit} by {@link StandaloneClusterTest}. It names no
 * backend and creates no SparkContext: {@code -Djoblib4j.backend=spark} alone moves its library's
 * {@code new Parallel()} to the cluster. Prints one {@code RESULT} line per scenario.
 */
public final class SubmittedDriver {
  private SubmittedDriver() {}

  /** Runs the scenarios named by the arguments: {@code squares}, {@code cancel}, {@code kill}. */
  public static void main(String[] args) throws Exception {
    for (String scenario : args) {
      switch (scenario) {
        case "squares" -> squares();
        case "cancel" -> cancel();
        case "kill" -> kill();
        case "noslots" -> noSlots();
        default -> throw new IllegalArgumentException(scenario);
      }
    }
    System.out.println("DONE");
    System.out.flush();
  }

  private static void squares() {
    List<long[]> results = ExampleLibrary.squaresWithPids(40);
    boolean right = true;
    TreeSet<Long> pids = new TreeSet<>();
    for (int i = 0; i < results.size(); i++) {
      right &= results.get(i)[0] == (long) i * i;
      pids.add(results.get(i)[1]);
    }
    System.out.printf(
        Locale.ROOT,
        "RESULT squares backend=%s right=%s n=%d driverPid=%d taskPids=%s%n",
        ParallelConfig.current().backend(),
        right && results.size() == 40,
        results.size(),
        ProcessHandle.current().pid(),
        pids.toString().replace(" ", ""));
  }

  private static void cancel() {
    long start = System.nanoTime();
    String outcome;
    try {
      new Parallel()
          .batchSize(1)
          .run(IntStream.range(0, 6).mapToObj(i -> delayed(SubmittedDriver::sleepOrFail, i)));
      outcome = "noError";
    } catch (TaskFailedException e) {
      outcome = e.getCause().getClass().getSimpleName() + ":" + e.getCause().getMessage();
    }
    long returnedMs = (System.nanoTime() - start) / 1_000_000;
    long start2 = System.nanoTime();
    List<Boolean> met =
        new Parallel()
            .batchSize(1)
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(SubmittedDriver::meet, i)));
    long metMs = (System.nanoTime() - start2) / 1_000_000;
    System.out.printf(
        Locale.ROOT,
        "RESULT cancel outcome=%s returnedMs=%d met=%s metMs=%d%n",
        outcome.replace(' ', '_'),
        returnedMs,
        met.toString().replace(" ", ""),
        metMs);
  }

  private static void kill() {
    System.out.println("CALLING");
    System.out.flush();
    String outcome;
    try {
      List<Integer> r =
          new Parallel()
              .batchSize(1)
              .run(IntStream.range(0, 16).mapToObj(i -> delayed(SubmittedDriver::slowSquare, i)));
      boolean right = true;
      for (int i = 0; i < r.size(); i++) {
        right &= r.get(i) == i * i;
      }
      outcome = right && r.size() == 16 ? "right" : "wrong:" + r;
    } catch (RuntimeException e) {
      outcome = "error:" + e.getClass().getSimpleName() + ":" + e.getMessage();
    }
    System.out.printf(Locale.ROOT, "RESULT kill outcome=%s%n", outcome.replace('\n', ' '));
  }

  private static void noSlots() {
    String outcome;
    try {
      outcome = "ran:" + ExampleLibrary.squaresWithPids(4).size();
    } catch (RuntimeException e) {
      outcome = "error:" + e.getClass().getSimpleName() + ":" + e.getMessage();
    }
    System.out.printf(Locale.ROOT, "RESULT noslots outcome=%s%n", outcome.replace(' ', '_'));
  }

  static int sleepOrFail(int i) {
    if (i == 0) {
      Sleep.millis(1500);
      throw new IllegalArgumentException("task 0 fails");
    }
    Sleep.millis(120_000);
    return i;
  }

  private static volatile CountDownLatch gate;

  static synchronized CountDownLatch gate() {
    if (gate == null) {
      gate = new CountDownLatch(2);
    }
    return gate;
  }

  static boolean meet(int i) {
    CountDownLatch g = gate();
    g.countDown();
    return Sleep.await(g, 30);
  }

  static int slowSquare(int i) {
    Sleep.millis(1000);
    TaskContext tc = TaskContext.get();
    return tc != null ? i * i : -1;
  }
}
