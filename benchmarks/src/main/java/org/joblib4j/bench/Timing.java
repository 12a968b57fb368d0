package org.joblib4j.bench;

import java.util.Arrays;
import java.util.concurrent.Callable;

/** Times a piece of work: warm-up runs, then the median of measured runs. */
final class Timing {
  /** Keeps results reachable so the JIT cannot drop the work that made them. */
  static volatile int sink;

  private Timing() {}

  /** Returns the median time in seconds of {@code reps} runs after {@code warmups} runs. */
  static double median(int warmups, int reps, Callable<?> work) throws Exception {
    for (int i = 0; i < warmups; i++) {
      sink += System.identityHashCode(work.call());
    }
    double[] times = new double[Math.max(1, reps)];
    for (int i = 0; i < times.length; i++) {
      long t0 = System.nanoTime();
      Object result = work.call();
      times[i] = (System.nanoTime() - t0) / 1e9;
      sink += System.identityHashCode(result);
    }
    Arrays.sort(times);
    int n = times.length;
    return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  }
}
