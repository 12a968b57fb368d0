package org.joblib4j.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The task bodies the scenarios run, as static methods so that worker JVMs and Spark executors load
 * them from the benchmarks jar. This class is immutable.
 */
public final class Work {
  private Work() {}

  /** Returns its argument: the cheapest task there is. */
  public static Integer identity(Integer x) {
    return x;
  }

  /**
   * Burns the CPU for {@code iterations} rounds of a xorshift generator and returns its state, so
   * that the work cannot be optimized away. {@link #calibrate} finds the rounds for a duration.
   */
  public static Long burn(Long iterations) {
    long x = 88172645463325252L;
    for (long i = 0; i < iterations; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    return x;
  }

  /** Sleeps {@code millis} milliseconds and returns them; an interrupt ends the sleep early. */
  public static Integer sleep(Integer millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return millis;
  }

  /**
   * Sleeps {@code micros} microseconds, to the resolution of {@link LockSupport#parkNanos} rather
   * than whole milliseconds, and returns them; an interrupt ends the sleep early. Scenario P8's
   * task body: a sleeping task holds its worker without taking a core, so the makespan of a call
   * measures scheduling alone, even on a machine shared with other work.
   */
  public static Long sleepMicros(Long micros) {
    long end = System.nanoTime() + micros * 1_000;
    for (long left = micros * 1_000; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return micros;
  }

  /** How many times {@link #square} ran in this JVM, so a benchmark can tell hits from misses. */
  static final AtomicLong SQUARE_CALLS = new AtomicLong();

  /** Returns the squares of {@code a}'s elements: the function scenario P7 caches. */
  public static double[] square(double[] a) {
    SQUARE_CALLS.incrementAndGet();
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] * a[i];
    }
    return out;
  }

  /** Returns how many {@link #burn} rounds take {@code millis} milliseconds on one core. */
  public static long calibrate(int millis) {
    long rounds = 1_000_000;
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      long t0 = System.nanoTime();
      burn(rounds);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return Math.max(1, (long) (rounds * (millis * 1e6 / best)));
  }
}
