package org.joblib4j.examples;

import static org.joblib4j.Delayed.delayed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.SerializableFunction;
import org.joblib4j.memory.CacheValidation;
import org.joblib4j.memory.MemorizedFunction;
import org.joblib4j.memory.MemorizedResult;
import org.joblib4j.memory.Memory;

/** The snippets of the guide's page on {@code Memory}, {@code docs/memory.md}. */
public final class MemoryExamples {
  private MemoryExamples() {}

  /** How many times the functions below really ran in this JVM. */
  static final AtomicInteger CALLS = new AtomicInteger();

  // snippet:square
  /** The function to cache: a static method (or any Serializable* lambda). */
  static double[] square(double[] a) {
    CALLS.incrementAndGet();
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] * a[i];
    }
    return out;
  }
  // end:square

  /** Caches {@code square}: the second call reads the result back. Returns both results. */
  public static List<double[]> cache(Path folder) {
    // snippet:cache
    // joblib: memory = Memory("cache"); square = memory.cache(square)
    Memory memory = new Memory(folder.resolve("cache"));
    SerializableFunction<double[], double[]> square = memory.cache(MemoryExamples::square);

    double[] a = {1, 2, 3};
    double[] b = square.apply(a);   // computes; logs "[Memory] Calling ...square..."
    double[] c = square.apply(a);   // read back from disk, not recomputed
    // end:cache
    return List.of(b, c);
  }

  /** A result kept on disk for later, and questions about the cache. */
  public static List<Object> memorize(Path folder) {
    Memory memory = new Memory(folder.resolve("cache")).verbose(0);
    // snippet:memorize
    MemorizedFunction<double[]> f = memory.memorize(MemoryExamples::square);

    MemorizedResult<double[]> shelved = f.callAndShelve(new double[] {4, 5}); // computed, stored
    double[] later = shelved.get();                                           // read when needed

    boolean cached = f.checkCallInCache(new double[] {4, 5});                 // true
    f.clear();                                                                // all its results
    boolean afterClear = f.checkCallInCache(new double[] {4, 5});             // false
    // end:memorize
    return List.of(later, cached, afterClear);
  }

  static Double scaled(double[] data, Integer verbose) {
    CALLS.incrementAndGet();
    return data[0] * 2;
  }

  /** Options of one cached function: an ignored argument, an expiry. */
  public static List<Double> options(Path folder) {
    Memory memory = new Memory(folder.resolve("cache")).verbose(0);
    // snippet:options
    // joblib: @memory.cache(ignore=["verbose"], cache_validation_callback=expires_after(hours=1))
    SerializableBiFunction<double[], Integer, Double> f = memory.cacheOptions()
        .ignore(1)                                              // the second argument, "verbose"
        .cacheValidation(CacheValidation.expiresAfter(Duration.ofHours(1)))
        .cache(MemoryExamples::scaled);

    Double x = f.apply(new double[] {21}, 0);
    Double y = f.apply(new double[] {21}, 5);                   // a hit: verbose is ignored
    // end:options
    return List.of(x, y);
  }

  /** Eviction; returns the number of results stored before and after. */
  public static List<Long> reduceSize(Path folder) throws IOException {
    Memory memory = new Memory(folder.resolve("cache")).verbose(0);
    memory.cache(MemoryExamples::square).apply(new double[1000]);
    long before = results(folder);
    // snippet:reduce-size
    // joblib: memory.reduce_size(bytes_limit="1G", items_limit=1000, age_limit=timedelta(days=7))
    memory.reduceSize(1L << 30, 1000, Duration.ofDays(7));    // least recently used go first
    memory.bytesLimit(1L << 30).reduceSize();                  // the same, with a stored limit
    memory.clear();                                            // everything, every function
    // end:reduce-size
    return List.of(before, results(folder));
  }

  private static long results(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(p -> p.getFileName().toString().equals("metadata.json")).count();
    }
  }

  /** A cached function used inside parallel tasks. */
  public static List<double[]> inParallel(Path folder) {
    // snippet:in-parallel
    // the cached function is serializable: tasks on threads, worker JVMs or Spark executors
    // share the cache at its location (a local folder here; hdfs:// or s3a:// for a cluster)
    SerializableFunction<double[], double[]> square =
        new Memory(folder.resolve("cache")).verbose(0).cache(MemoryExamples::square);
    List<double[]> squares = new Parallel().nJobs(2)
        .run(IntStream.range(0, 4).mapToObj(i -> delayed(square, new double[] {i})));
    // end:in-parallel
    return squares;
  }

  /** Caching disabled. */
  public static double[] disabled() {
    // snippet:disabled
    Memory none = new Memory((Path) null);   // joblib: Memory(None): calls go straight through
    double[] r = none.cache(MemoryExamples::square).apply(new double[] {3});
    // end:disabled
    return r;
  }
}
