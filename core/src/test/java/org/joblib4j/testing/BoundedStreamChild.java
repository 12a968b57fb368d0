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
 * read. Prints {@code OK <results> <peak heap MB>}, or dies with OutOfMemoryError.
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
    try (Stream<Long> results = new Parallel().backend(backend).nJobs(2).stream(endless)) {
      Iterator<Long> it = results.iterator();
      while (read < n && it.hasNext()) {
        long v = it.next();
        if (v != 2 * read) {
          throw new AssertionError("result " + read + " is " + v + ", not " + 2 * read);
        }
        read++;
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("OK " + read + " " + (peak >> 20));
    System.exit(0);
  }
}
