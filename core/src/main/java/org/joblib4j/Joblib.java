package org.joblib4j;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.joblib4j.hash.ContentHash;
import org.joblib4j.internal.Calls;
import org.joblib4j.internal.Checks;
import org.joblib4j.internal.Settings;
import org.joblib4j.persist.Compression;
import org.joblib4j.persist.LoadOptions;
import org.joblib4j.persist.Persistence;
import org.joblib4j.spi.ParallelBackend;
import org.jspecify.annotations.Nullable;

/**
 * Static entry points of joblib that are not {@link Parallel}: CPU counts, the effective number of
 * jobs, persistence ({@link #dump}, {@link #load}) and content hashing ({@link #hash}).
 *
 * <p>{@code dump} writes one file: a small header, then the object graph (Kryo), with large
 * primitive arrays and {@code java.nio} buffers written as raw aligned blocks at disk speed; every
 * block is checksummed. <b>Loading a file from an untrusted source without a class filter ({@link
 * LoadOptions#classFilter}) is unsafe</b>: like Java serialization and pickle, it may instantiate
 * any class on the class path. This class is thread-safe.
 */
public final class Joblib {
  private Joblib() {}

  /**
   * Returns the number of CPUs this JVM may use: the processors the operating system gives it,
   * within container limits; at least 1.
   */
  public static int cpuCount() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Returns how many workers a {@code new Parallel().nJobs(nJobs)} would use on this thread, with
   * the backend the scopes, properties and environment name: {@code effectiveNJobs(-1)} is every
   * core for {@code threading}, every task slot for {@code spark}.
   *
   * @throws IllegalArgumentException for 0
   */
  public static int effectiveNJobs(int nJobs) {
    Checks.checkNJobs(nJobs);
    if (nJobs == 1) {
      return 1;
    }
    Settings explicit = Settings.EMPTY.withNJobs(nJobs);
    Calls.Plan plan =
        Calls.plan(explicit, ParallelConfig.effective(explicit), ParallelConfig.nestingLevel());
    try (ParallelBackend backend = plan.createBackend()) {
      return plan.nWorkers(backend);
    }
  }

  /** Returns the effective number of jobs for the {@code nJobs} in effect, or the default. */
  public static int effectiveNJobs() {
    Settings effective = ParallelConfig.effective(Settings.EMPTY);
    Calls.Plan plan = Calls.plan(Settings.EMPTY, effective, ParallelConfig.nestingLevel());
    try (ParallelBackend backend = plan.createBackend()) {
      return plan.nWorkers(backend);
    }
  }

  /**
   * Writes {@code value} to {@code target}, compressed as the file extension says ({@code .z},
   * {@code .gz}, {@code .lz4}, {@code .zst}, {@code .xz}; no compression otherwise), as joblib's
   * {@code dump(value, filename)}. The file is written under a temporary name in the same folder
   * and renamed, so {@code target} is never seen half-written.
   *
   * @throws IllegalArgumentException for {@code .bz2} and {@code .lzma}, which are not supported
   * @throws org.joblib4j.SerializationException naming a class that cannot be serialized
   * @throws java.io.UncheckedIOException if the file cannot be written
   */
  public static void dump(@Nullable Object value, Path target) {
    dump(value, target, Compression.forPath(target));
  }

  /**
   * Writes {@code value} to {@code target} with {@code compression}; see {@link #dump(Object,
   * Path)}.
   */
  public static void dump(@Nullable Object value, Path target, Compression compression) {
    Persistence.dump(value, Objects.requireNonNull(target, "target"), compression);
  }

  /** Writes {@code value} to {@code out} with {@code compression}; {@code out} is not closed. */
  public static void dump(@Nullable Object value, OutputStream out, Compression compression) {
    Persistence.dump(value, Objects.requireNonNull(out, "out"), compression);
  }

  /**
   * Writes {@code value} to {@code target}, a {@code file:} URI or a Hadoop {@code FileSystem} URI
   * ({@code hdfs://}, {@code s3a://}), compressed as its extension says.
   */
  public static void dump(@Nullable Object value, URI target) {
    dump(value, target, Compression.forPath(Path.of(nameOf(target))));
  }

  /** Writes {@code value} to the {@code file:} or Hadoop {@code FileSystem} URI {@code target}. */
  public static void dump(@Nullable Object value, URI target, Compression compression) {
    Persistence.dump(value, Objects.requireNonNull(target, "target"), compression);
  }

  /**
   * Reads the value {@link #dump} wrote to {@code source}; the codec is read from the file.
   *
   * @throws CorruptFileException if the file is truncated, damaged or not a joblib4j file
   * @throws ClassCastException if the value is not a {@code type}
   * @throws java.io.UncheckedIOException if the file cannot be read
   */
  public static <T> @Nullable T load(Path source, Class<T> type) {
    return load(source, type, LoadOptions.defaults());
  }

  /**
   * Reads the value in {@code source} with {@code options} (memory mapping, class filter).
   *
   * @throws org.joblib4j.persist.DisallowedClassException if the file names a class the filter
   *     refuses
   */
  public static <T> @Nullable T load(Path source, Class<T> type, LoadOptions options) {
    return cast(Persistence.load(Objects.requireNonNull(source, "source"), options), type, source);
  }

  /** Reads the value in {@code in}, which is not closed; streams are never memory-mapped. */
  public static <T> @Nullable T load(InputStream in, Class<T> type, LoadOptions options) {
    return cast(Persistence.load(Objects.requireNonNull(in, "in"), options), type, "stream");
  }

  /** Reads the value in {@code source}, a {@code file:} or Hadoop {@code FileSystem} URI. */
  public static <T> @Nullable T load(URI source, Class<T> type) {
    return load(source, type, LoadOptions.defaults());
  }

  /** Reads the value in {@code source}, a {@code file:} or Hadoop URI, with {@code options}. */
  public static <T> @Nullable T load(URI source, Class<T> type, LoadOptions options) {
    return cast(Persistence.load(Objects.requireNonNull(source, "source"), options), type, source);
  }

  /**
   * Returns a 128-bit content hash of {@code values} as 32 lowercase hex digits: equal values give
   * equal hashes in every run, JVM and machine. Primitive arrays and buffers are hashed in bulk;
   * lists and arrays in order; sets and maps regardless of order; records and other objects by
   * their fields; enums by name; strings by their UTF-8 bytes; serializable lambdas by their
   * implementation and captured values. See {@link ContentHash} for the full rules.
   *
   * @throws org.joblib4j.hash.UnhashableException naming the class of a value that has no content
   *     to hash, such as a thread or a lambda that is not serializable
   */
  public static String hash(@Nullable Object... values) {
    return ContentHash.of(values);
  }

  private static String nameOf(URI uri) {
    String p = uri.getPath();
    if (p == null || p.isEmpty()) {
      throw new IllegalArgumentException("Cannot dump to " + uri + ": it has no path");
    }
    return p.substring(p.lastIndexOf('/') + 1);
  }

  private static <T> @Nullable T cast(@Nullable Object value, Class<T> type, Object source) {
    if (value == null) {
      return null;
    }
    Class<?> boxed = box(type);
    if (!boxed.isInstance(value)) {
      throw new ClassCastException(
          String.format(
              Locale.ROOT,
              "%s holds a %s, not a %s; load it with type %s or Object.class",
              source,
              value.getClass().getName(),
              type.getName(),
              value.getClass().getName()));
    }
    @SuppressWarnings("unchecked")
    T t = (T) value;
    return t;
  }

  private static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == int.class) {
      return Integer.class;
    } else if (type == long.class) {
      return Long.class;
    } else if (type == double.class) {
      return Double.class;
    } else if (type == float.class) {
      return Float.class;
    } else if (type == boolean.class) {
      return Boolean.class;
    } else if (type == byte.class) {
      return Byte.class;
    } else if (type == short.class) {
      return Short.class;
    } else if (type == char.class) {
      return Character.class;
    }
    return Void.class;
  }
}
