package org.joblib4j.testing;

import static org.joblib4j.Delayed.delayed;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.joblib4j.Joblib;
import org.joblib4j.MmapMode;
import org.joblib4j.Parallel;
import org.joblib4j.SerializableFunction;
import org.joblib4j.memory.Memory;
import org.joblib4j.persist.Compression;
import org.joblib4j.persist.LoadOptions;
import org.joblib4j.testing.ValueMatrix.Case;

/**
 * The paths a value of the {@link ValueMatrix} travels, by name:
 *
 * <ul>
 *   <li>{@code dump-none}, {@code dump-zlib}, {@code dump-gzip}, {@code dump-lz4}, {@code
 *       dump-zstd}, {@code dump-xz}: {@code Joblib.dump} with that codec, then {@code Joblib.load};
 *   <li>{@code dump-none-mmap}: an uncompressed dump loaded with {@link MmapMode#READ_ONLY};
 *   <li>{@code memory}: a {@link Memory}-cached function that builds the value from its name,
 *       called twice: the second call must be served from disk;
 *   <li>{@code <backend>-argument}: a task on {@code backend} with {@code nJobs(2)} that returns
 *       its argument, so the value travels there and back;
 *   <li>{@code <backend>-result}: a task that builds the value inside the worker and returns it.
 * </ul>
 */
public final class ValuePaths {
  /** The file paths, every codec and the memory-mapped load. */
  public static final List<String> FILES =
      List.of(
          "dump-none",
          "dump-zlib",
          "dump-gzip",
          "dump-lz4",
          "dump-zstd",
          "dump-xz",
          "dump-none-mmap");

  /** How many times {@link #computed} ran for each name in this JVM. */
  private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

  private ValuePaths() {}

  /** One path, ready to send values along it. */
  @FunctionalInterface
  public interface Run {
    /** Sends a new instance of {@code c}'s value along the path and reports what came back. */
    Observation observe(Case c);
  }

  /** Returns the path called {@code path}, keeping its files under {@code dir}. */
  public static Run open(String path, Path dir) {
    if (path.startsWith("dump-")) {
      String codec = path.substring("dump-".length()).replace("-mmap", "");
      Compression compression =
          Compression.of(Compression.Codec.valueOf(codec.toUpperCase(Locale.ROOT)));
      LoadOptions options =
          path.endsWith("-mmap")
              ? LoadOptions.defaults().mmapMode(MmapMode.READ_ONLY)
              : LoadOptions.defaults();
      return c -> dumpAndLoad(path, c, dir, compression, options);
    }
    if (path.equals("memory")) {
      SerializableFunction<String, Object> cached =
          new Memory(dir.resolve("cache")).verbose(0).cache(ValuePaths::computed);
      return c -> cacheHit(path, c, cached);
    }
    if (path.endsWith("-argument")) {
      Parallel parallel = backend(path.substring(0, path.length() - "-argument".length()));
      return c -> argument(path, c, parallel);
    }
    if (path.endsWith("-result")) {
      Parallel parallel = backend(path.substring(0, path.length() - "-result".length()));
      return c -> result(path, c, parallel);
    }
    throw new IllegalArgumentException("No value path named \"" + path + "\"");
  }

  /**
   * Returns how a refusal on {@code path} may name the place of the value itself: {@code root} for
   * a dumped object, {@code arguments[0]} for a task's argument, {@code result} for a task's
   * result; a cache store is a dump of the function's result.
   */
  public static List<String> roots(String path) {
    if (path.startsWith("dump-")) {
      return List.of("root");
    } else if (path.equals("memory")) {
      return List.of("root", "result");
    } else if (path.endsWith("-argument")) {
      return List.of("arguments[0]");
    } else {
      return List.of("result");
    }
  }

  /** Builds the value called {@code name} and counts the call; the function the cache holds. */
  static Object computed(String name) {
    CALLS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    return ValueMatrix.build(name);
  }

  private static Parallel backend(String name) {
    return new Parallel().backend(name).nJobs(2).timeout(Duration.ofSeconds(60));
  }

  private static Observation dumpAndLoad(
      String path, Case c, Path dir, Compression compression, LoadOptions options) {
    Path file =
        dir.resolve(
            String.format(
                Locale.ROOT,
                "%s-%03d.jl%s",
                path,
                ValueMatrix.all().indexOf(c),
                compression.codec().extension()));
    try {
      Joblib.dump(c.build(), file, compression);
    } catch (RuntimeException | Error e) {
      return Observation.threw(path, c.name(), "write", e);
    }
    Object loaded;
    try {
      loaded = Joblib.load(file, Object.class, options);
    } catch (RuntimeException | Error e) {
      return Observation.threw(path, c.name(), "read", e);
    }
    return Observation.compared(path, c.name(), ValueMatrix.difference(c, c.build(), loaded));
  }

  private static Observation cacheHit(
      String path, Case c, SerializableFunction<String, Object> cached) {
    CALLS.remove(c.name());
    PrintStream err = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      try {
        cached.apply(c.name());
      } catch (RuntimeException | Error e) {
        return Observation.threw(path, c.name(), "store", e);
      }
      Object hit;
      try {
        hit = cached.apply(c.name());
      } catch (RuntimeException | Error e) {
        return Observation.threw(path, c.name(), "hit", e);
      }
      int calls = CALLS.get(c.name()).get();
      if (calls != 1) {
        String warned = warnings.toString(StandardCharsets.UTF_8).strip();
        return new Observation(
            path,
            c.name(),
            Observation.Outcome.RECOMPUTED,
            "",
            "",
            "",
            "the function ran "
                + calls
                + " times for two calls"
                + (warned.isEmpty() ? "" : "; the cache warned: " + warned));
      }
      return Observation.compared(path, c.name(), ValueMatrix.difference(c, c.build(), hit));
    } finally {
      System.setErr(err);
    }
  }

  private static Observation argument(String path, Case c, Parallel parallel) {
    List<Object> results;
    try {
      results = parallel.run(Stream.of(delayed(ValueMatrix::identity, c.build())));
    } catch (RuntimeException | Error e) {
      return Observation.threw(path, c.name(), "run", e);
    }
    return Observation.compared(
        path, c.name(), ValueMatrix.difference(c, c.build(), results.get(0)));
  }

  private static Observation result(String path, Case c, Parallel parallel) {
    List<Object> results;
    try {
      results = parallel.run(Stream.of(delayed(ValueMatrix::build, c.name())));
    } catch (RuntimeException | Error e) {
      return Observation.threw(path, c.name(), "run", e);
    }
    return Observation.compared(
        path, c.name(), ValueMatrix.difference(c, c.build(), results.get(0)));
  }
}
