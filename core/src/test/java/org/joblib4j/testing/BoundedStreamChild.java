package org.joblib4j.testing;

import static org.joblib4j.Delayed.delayed;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Iterator;
import java.util.stream.Stream;
import org.joblib4j.Parallel;

/**
 * Reads the first results of an endless stream of tiny tasks through {@code Parallel.stream()},
 * checking their order, in a JVM with a small heap: arguments the backend, the number of results to
 * read. Prints {@code OK <results> <peak heap MB> <growth MB>}, the growth being how much more the
 * heap holds after a collection at the end than after one at half of the results (a call in
 * bounded memory holds the same at both), or dies with OutOfMemoryError.
 */
public final class BoundedStreamChild {
  private BoundedStreamChild() {}

  static long twice(long i) {
    return 2 * i;
  }

  public static void main(String[] args) {
    String backend = args[0];
    long n = Long.parseLong(args[1]);
    Stream<org.joblib4j.Task<Long>> endless =
        Stream.iterate(0L, i -> i + 1).map(i -> delayed(BoundedStreamChild::twice, i));
    long read = 0;
    long early = 0;
    long late;
    try (Stream<Long> results = new Parallel().backend(backend).nJobs(2).stream(endless)) {
      Iterator<Long> it = results.iterator();
      while (read < n && it.hasNext()) {
        long v = it.next();
        if (v != 2 * read) {
          throw new AssertionError("result " + read + " is " + v + ", not " + 2 * read);
        }
        read++;
        if (read == n / 2) {
          early = liveHeap();
        }
      }
      late = liveHeap();
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("OK " + read + " " + (peak >> 20) + " " + ((late - early) >> 20));
    System.exit(0);
  }

  /**
   * Returns the growth a child printed, in MB: it stays at a few MB for a call in bounded memory,
   * where a call that keeps something per task grows by a hundred MB or more over two million.
   */
  public static long growthMegabytes(String childOutput) {
    int at = childOutput.lastIndexOf("OK ");
    if (at < 0) {
      throw new AssertionError("the child printed no OK line:\n" + childOutput);
    }
    String[] ok = childOutput.substring(at).trim().split("\\s+");
    return Long.parseLong(ok[3]);
  }

  /** Returns the heap in use after a full collection: what the running call keeps reachable. */
  private static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
