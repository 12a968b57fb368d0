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

  /**
   * Returns the median time in seconds of each piece of work, measured in turns: each is first
   * run for {@code warmUpSeconds}, then {@code rounds} rounds run every piece {@code perRound}
   * times in a row. Taking turns lets drifts of a shared machine (another build, a busy
   * neighbour) weigh on every piece alike, which a block of runs per piece does not.
   */
  @SafeVarargs
  static double[] medians(
      double warmUpSeconds, int rounds, int perRound, Callable<?>... works) throws Exception {
    for (Callable<?> work : works) {
      long end = System.nanoTime() + (long) (warmUpSeconds * 1e9);
      do {
        sink += System.identityHashCode(work.call());
      } while (System.nanoTime() < end);
    }
    double[][] times = new double[works.length][rounds * perRound];
    for (int r = 0; r < rounds; r++) {
      for (int w = 0; w < works.length; w++) {
        for (int i = 0; i < perRound; i++) {
          long t0 = System.nanoTime();
          Object result = works[w].call();
          times[w][r * perRound + i] = (System.nanoTime() - t0) / 1e9;
          sink += System.identityHashCode(result);
        }
      }
    }
    double[] medians = new double[works.length];
    for (int w = 0; w < works.length; w++) {
      double[] t = times[w];
      Arrays.sort(t);
      int n = t.length;
      medians[w] = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    }
    return medians;
  }
}
