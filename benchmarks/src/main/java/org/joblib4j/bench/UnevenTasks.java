package org.joblib4j.bench;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The task durations of scenario P8 and the figures a makespan is judged against. The durations are
 * drawn here once, in the runner, and handed to every backend and to Python's joblib as the same
 * list, so no generator has to agree across languages. This class is immutable.
 */
final class UnevenTasks {
  private UnevenTasks() {}

  /**
   * Returns {@code n} durations in whole microseconds (at least 1) following a log-normal law:
   * {@code median * exp(sigma * g)} with {@code g} standard normal from {@link Random#nextGaussian}
   * seeded with {@code seed}, whose algorithm the JDK specifies, so every JDK gives the same list.
   */
  static long[] logNormalMicros(int n, double medianMicros, double sigma, long seed) {
    Random random = new Random(seed);
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      micros[i] = Math.max(1, Math.round(medianMicros * Math.exp(sigma * random.nextGaussian())));
    }
    return micros;
  }

  /** Returns the sum of the durations, in seconds. */
  static double totalSeconds(long[] micros) {
    return Arrays.stream(micros).sum() / 1e6;
  }

  /** Returns the longest duration, in seconds. */
  static double longestSeconds(long[] micros) {
    return Arrays.stream(micros).max().orElse(0) / 1e6;
  }

  /**
   * Returns the lower bound of any schedule's makespan on {@code workers} truly parallel workers:
   * the larger of the total work shared evenly and the longest task, in seconds.
   */
  static double lowerBoundSeconds(long[] micros, int workers) {
    return Math.max(totalSeconds(micros) / workers, longestSeconds(micros));
  }

  /**
   * Returns the makespan, in seconds, of greedy list scheduling in input order: each task, one at a
   * time, goes to the worker that frees up first, with no overhead. It is what a dispatcher that
   * keeps the input order and sends single tasks would reach at best.
   */
  static double greedySeconds(long[] micros, int workers) {
    PriorityQueue<Long> freeAt = new PriorityQueue<>();
    for (int w = 0; w < workers; w++) {
      freeAt.add(0L);
    }
    long end = 0;
    for (long m : micros) {
      long t = freeAt.remove() + m;
      end = Math.max(end, t);
      freeAt.add(t);
    }
    return end / 1e6;
  }
}
