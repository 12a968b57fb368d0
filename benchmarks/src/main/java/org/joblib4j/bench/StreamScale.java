package org.joblib4j.bench;

import static org.joblib4j.Delayed.delayed;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.joblib4j.Parallel;

/**
 * Times, in a JVM of its own, {@code Parallel.stream()} over {@code n} tiny tasks ({@code
 * delayed(Work::identity, i)}, results summed while the stream's iterator is consumed) with two
 * jobs, and reports the heap it took. Run by {@link SideBySide} for scenario P9 in a child JVM with
 * {@code -Xmx256m -XX:+ExitOnOutOfMemoryError}, one JVM per size; run alone from the repository
 * root:
 *
 * <pre>{@code
 * java -Xmx256m -XX:+ExitOnOutOfMemoryError -cp benchmarks/target/benchmarks-app.jar \
 *   org.joblib4j.bench.StreamScale threading 1000000
 * }</pre>
 *
 * <p>Arguments: the backend, the number of tasks, and optionally the number of measured calls (21
 * up to 10,000 tasks, 11 up to 100,000, 3 up to 1,000,000, then 1). Warm-up calls of 100,000 tasks
 * come first (at least three, and for at least a second), then a collection; the peaks are taken
 * over the measured calls only. Prints {@code RESULT seconds <median>}, {@code RESULT seconds_min},
 * {@code RESULT seconds_max}, {@code RESULT reps}, {@code RESULT peak_heap <bytes>} (the heap
 * pools' peak usages summed: what the heap held at most, garbage included), {@code RESULT
 * max_after_gc <bytes>} (the most the heap held just after a collection: an upper bound of what the
 * call kept reachable) and {@code RESULT gcs}; while a call runs, a {@code PROGRESS <tasks
 * consumed>} line every second, so a JVM that runs out of memory still tells how far it went.
 */
public final class StreamScale {
  private static final AtomicLong CONSUMED = new AtomicLong();

  private StreamScale() {}

  /** Runs the calls; see the class documentation for the arguments. */
  public static void main(String[] args) throws Exception {
    String backend = args[0];
    int n = Integer.parseInt(args[1]);
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : defaultReps(n);
    // At least three calls and one second, so that the JIT has compiled the dispatch path.
    long warmEnd = System.nanoTime() + 1_000_000_000L;
    for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
      consume(backend, 100_000);
    }
    Thread progress =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(1_000);
                  System.out.println("PROGRESS " + CONSUMED.get());
                  System.out.flush();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "stream-scale-progress");
    progress.setDaemon(true);
    System.gc();
    HeapWatch heap = new HeapWatch();
    progress.start();
    double[] times = new double[reps];
    for (int r = 0; r < reps; r++) {
      CONSUMED.set(0);
      long t0 = System.nanoTime();
      consume(backend, n);
      times[r] = (System.nanoTime() - t0) / 1e9;
    }
    progress.interrupt();
    Arrays.sort(times);
    double median = reps % 2 == 1 ? times[reps / 2] : (times[reps / 2 - 1] + times[reps / 2]) / 2;
    System.out.printf(
        Locale.ROOT,
        "RESULT seconds %s%nRESULT seconds_min %s%nRESULT seconds_max %s%nRESULT reps %d%n"
            + "RESULT peak_heap %d%nRESULT max_after_gc %d%nRESULT gcs %d%n",
        median,
        times[0],
        times[reps - 1],
        reps,
        heap.peakBytes(),
        heap.maxAfterGc(),
        heap.collections());
    System.out.flush();
    System.exit(0);
  }

  /**
   * Returns how many calls over {@code n} tasks are measured by default: many for the small sizes,
   * whose calls take milliseconds and swing with every other thread on a shared machine, one for
   * ten million.
   */
  static int defaultReps(int n) {
    return n <= 10_000 ? 21 : n <= 100_000 ? 11 : n <= 1_000_000 ? 3 : 1;
  }

  /** Runs one call over {@code n} tasks, consuming its stream, and checks the sum. */
  private static void consume(String backend, int n) {
    long sum = 0;
    long count = 0;
    Stream<Integer> tasks = IntStream.range(0, n).boxed();
    try (Stream<Integer> results =
        new Parallel()
            .backend(backend).nJobs(2).stream(tasks.map(i -> delayed(Work::identity, i)))) {
      Iterator<Integer> it = results.iterator();
      while (it.hasNext()) {
        sum += it.next();
        if ((++count & 0xFFF) == 0) {
          CONSUMED.lazySet(count);
        }
      }
    }
    CONSUMED.set(count);
    long expected = (long) n * (n - 1) / 2;
    if (count != n || sum != expected) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "%s: expected %d results summing to %d, got %d summing to %d",
              backend,
              n,
              expected,
              count,
              sum));
    }
  }

  /**
   * The heap's peak usage from its creation on: resets the pools' peaks, and listens to every
   * collection for the heap left just after it.
   */
  private static final class HeapWatch {
    private final List<MemoryPoolMXBean> pools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .collect(Collectors.toList());
    private final Set<String> names =
        pools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();

    HeapWatch() {
      pools.forEach(MemoryPoolMXBean::resetPeakUsage);
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter emitter) {
          emitter.addNotificationListener(
              (notification, handback) -> {
                if (!notification
                    .getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long after = 0;
                for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                  if (names.contains(e.getKey())) {
                    after += e.getValue().getUsed();
                  }
                }
                collections.incrementAndGet();
                maxAfterGc.accumulateAndGet(after, Math::max);
              },
              null,
              null);
        }
      }
    }

    long peakBytes() {
      return pools.stream()
          .map(MemoryPoolMXBean::getPeakUsage)
          .mapToLong(MemoryUsage::getUsed)
          .sum();
    }

    long maxAfterGc() {
      return maxAfterGc.get();
    }

    long collections() {
      return collections.get();
    }
  }
}
