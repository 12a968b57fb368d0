package org.joblib4j.memory;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.joblib4j.MmapMode;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.SerializableCallable;
import org.joblib4j.SerializableFunction;
import org.joblib4j.SerializableFunction3;
import org.joblib4j.SerializableFunction4;
import org.joblib4j.SerializableSupplier;
import org.joblib4j.Task;
import org.joblib4j.internal.Checks;
import org.joblib4j.persist.Compression;
import org.jspecify.annotations.Nullable;

/**
 * Transparent disk caching of function results (joblib's {@code Memory}): a function wrapped by
 * {@link #cache} computes a result once per distinct argument values and afterwards reads it back
 * from the location, in this process, in later runs, and in other processes and machines that share
 * the location.
 *
 * <pre>{@code
 * Memory memory = new Memory(Path.of("cache"));   // or new Memory(URI.create("hdfs://nn/cache"))
 * SerializableFunction<double[], double[]> square = memory.cache(MyMath::square);
 * double[] b = square.apply(a);   // computes, logs "[Memory] Calling org.example.MyMath.square..."
 * double[] c = square.apply(a);   // read back from disk, not recomputed
 * }</pre>
 *
 * <p>The key of a result is the function's identity (its implementing class and method, taken from
 * the serialized lambda, so functions must be one of the {@code org.joblib4j.Serializable*} types),
 * the values it captured and its arguments ({@link org.joblib4j.Joblib#hash}). A hash of the
 * implementing class's bytes is stored beside the function's results; when the class changes, the
 * old results are cleared with a warning and never served. A store that cannot be read or written
 * never fails a call: the function is called and a warning logged.
 *
 * <p>Log lines go through SLF4J, logger {@code org.joblib4j.Memory}, or to standard error when no
 * SLF4J provider is bound. This class is immutable and thread-safe.
 */
public final class Memory implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The folder under the location that holds every function's folder. */
  static final String FOLDER = "joblib4j";

  /** The file of a result. */
  static final String OUTPUT = "output";

  /** The file of a result's metadata. */
  static final String METADATA = "metadata.json";

  /** The file holding a function's code hash, beside its results' folders. */
  static final String CODE = "func_code.txt";

  /** How old a temporary file must be for {@link #reduceSize} to delete it. */
  static final Duration STALE_TEMPORARY = Duration.ofHours(1);

  private final @Nullable StoreBackend store;
  private final int verbose;
  private final MmapMode mmapMode;
  private final Compression.Codec codec;
  private final int level;
  private final @Nullable Long bytesLimit;
  private final long timestamp;

  /**
   * Creates a memory that caches in the folder {@code location}, created on the first write; {@code
   * null} disables caching: cached functions are then called directly.
   */
  public Memory(@Nullable Path location) {
    this(location == null ? null : new LocalStore(location));
  }

  /**
   * Creates a memory that caches at {@code location}: a {@code file:} URI or a Hadoop {@code
   * FileSystem} URI such as {@code hdfs://namenode:8020/cache} or {@code s3a://bucket/cache} (which
   * needs Hadoop's client on the class path); {@code null} disables caching.
   *
   * @throws IllegalArgumentException if the location's file system cannot be opened
   */
  public Memory(@Nullable URI location) {
    this(location == null ? null : Stores.open(location));
  }

  /** Creates a memory that caches in {@code store}; {@code null} disables caching. */
  public Memory(@Nullable StoreBackend store) {
    this(store, 1, MmapMode.NONE, Compression.NONE, null, System.currentTimeMillis());
  }

  private Memory(
      @Nullable StoreBackend store,
      int verbose,
      MmapMode mmapMode,
      Compression compression,
      @Nullable Long bytesLimit,
      long timestamp) {
    this.store = store;
    this.verbose = verbose;
    this.mmapMode = Objects.requireNonNull(mmapMode, "mmapMode");
    this.codec = compression.codec();
    this.level = compression.level();
    this.bytesLimit = bytesLimit;
    this.timestamp = timestamp;
  }

  /**
   * Returns a memory that logs at {@code verbose}: 0 is silent; 1 (the default) logs each
   * computation, as joblib does; above 1 also each read from the cache; above 10 where results are
   * stored.
   */
  public Memory verbose(int verbose) {
    Checks.requireArgument(verbose >= 0, "verbose must be >= 0, got %d", verbose);
    return new Memory(store, verbose, mmapMode, compressionValue(), bytesLimit, timestamp);
  }

  /**
   * Returns a memory that memory-maps the large arrays of results read from a local store (of
   * uncompressed results), also on the computing call, as joblib's {@code mmap_mode} does.
   */
  public Memory mmapMode(MmapMode mmapMode) {
    warnIfCompressedAndMapped(compressionValue(), mmapMode);
    return new Memory(store, verbose, mmapMode, compressionValue(), bytesLimit, timestamp);
  }

  /**
   * Returns a memory that writes results with {@code compression} (joblib's {@code compress});
   * {@link Compression#NONE} by default. Compressed results are read into the heap, never
   * memory-mapped.
   */
  public Memory compression(Compression compression) {
    Objects.requireNonNull(compression, "compression");
    warnIfCompressedAndMapped(compression, mmapMode);
    return new Memory(store, verbose, mmapMode, compression, bytesLimit, timestamp);
  }

  private static void warnIfCompressedAndMapped(Compression compression, MmapMode mmapMode) {
    if (compression.codec() != Compression.Codec.NONE && mmapMode != MmapMode.NONE) {
      CacheLog.warn(
          "Compressed results cannot be memmapped: results compressed with "
              + compression
              + " are read into the heap, mmapMode "
              + mmapMode
              + " is ignored",
          null);
    }
  }

  /**
   * Returns a memory whose {@link #reduceSize()} keeps the store under {@code bytesLimit} bytes
   * (joblib's {@code bytes_limit}; never enforced while caching).
   */
  public Memory bytesLimit(long bytesLimit) {
    Checks.requireArgument(bytesLimit >= 0, "bytesLimit must be >= 0, got %d", bytesLimit);
    return new Memory(store, verbose, mmapMode, compressionValue(), bytesLimit, timestamp);
  }

  /** Returns the cache location, or empty when caching is disabled. */
  public Optional<URI> location() {
    return store == null ? Optional.empty() : Optional.of(store.location());
  }

  /** Returns the options of a {@code cache} call: arguments to ignore, a name, a validation. */
  public CacheOptions cacheOptions() {
    return new CacheOptions(this, new int[0], null, null);
  }

  /** Returns {@code f} with its results cached; {@code f} itself when caching is disabled. */
  public <A, R> SerializableFunction<A, R> cache(SerializableFunction<A, R> f) {
    return cacheOptions().cache(f);
  }

  /** Returns {@code f} with its results cached; {@code f} itself when caching is disabled. */
  public <A, B, R> SerializableBiFunction<A, B, R> cache(SerializableBiFunction<A, B, R> f) {
    return cacheOptions().cache(f);
  }

  /** Returns {@code f} with its results cached; {@code f} itself when caching is disabled. */
  public <A, B, C, R> SerializableFunction3<A, B, C, R> cache(SerializableFunction3<A, B, C, R> f) {
    return cacheOptions().cache(f);
  }

  /** Returns {@code f} with its results cached; {@code f} itself when caching is disabled. */
  public <A, B, C, D, R> SerializableFunction4<A, B, C, D, R> cache(
      SerializableFunction4<A, B, C, D, R> f) {
    return cacheOptions().cache(f);
  }

  /** Returns {@code f} with its result cached, keyed by the values it captured. */
  public <R> SerializableCallable<R> cache(SerializableCallable<R> f) {
    return cacheOptions().cache(f);
  }

  /** Returns {@code f} with its result cached, keyed by the values it captured. */
  public <R> SerializableSupplier<R> cache(SerializableSupplier<R> f) {
    return cacheOptions().cache(f);
  }

  /** Returns a task that runs {@code task}'s function through the cache, with its arguments. */
  public <R> Task<R> cache(Task<R> task) {
    return cacheOptions().cache(task);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for {@code callAndShelve} and the rest. */
  public <A, R> MemorizedFunction<R> memorize(SerializableFunction<A, R> f) {
    return cacheOptions().memorize(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for {@code callAndShelve} and the rest. */
  public <A, B, R> MemorizedFunction<R> memorize(SerializableBiFunction<A, B, R> f) {
    return cacheOptions().memorize(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for {@code callAndShelve} and the rest. */
  public <A, B, C, R> MemorizedFunction<R> memorize(SerializableFunction3<A, B, C, R> f) {
    return cacheOptions().memorize(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for {@code callAndShelve} and the rest. */
  public <A, B, C, D, R> MemorizedFunction<R> memorize(SerializableFunction4<A, B, C, D, R> f) {
    return cacheOptions().memorize(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for {@code callAndShelve} and the rest. */
  public <R> MemorizedFunction<R> memorize(SerializableCallable<R> f) {
    return cacheOptions().memorize(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for {@code callAndShelve} and the rest. */
  public <R> MemorizedFunction<R> memorize(SerializableSupplier<R> f) {
    return cacheOptions().memorize(f);
  }

  /** Returns {@code task}'s function as a {@link MemorizedFunction}. */
  public <R> MemorizedFunction<R> memorize(Task<R> task) {
    return cacheOptions().memorize(task);
  }

  /**
   * Evicts least-recently-used results until the store is under this memory's {@link #bytesLimit};
   * does nothing when none was set.
   */
  public void reduceSize() {
    if (bytesLimit != null) {
      reduceSize(bytesLimit, null, null);
    }
  }

  /**
   * Evicts results, least recently used first (joblib's {@code reduce_size}), until the store holds
   * at most {@code bytesLimit} bytes and at most {@code itemsLimit} results, and none older than
   * {@code ageLimit}; a {@code null} limit is not applied. A result is used when it is written or
   * read. Results deleted concurrently by another process are skipped. Temporary files older than
   * an hour, left in the kept results' folders by writers killed mid-write, are deleted too.
   *
   * @throws IllegalArgumentException if a limit is negative
   */
  public void reduceSize(
      @Nullable Long bytesLimit, @Nullable Integer itemsLimit, @Nullable Duration ageLimit) {
    Checks.requireArgument(
        bytesLimit == null || bytesLimit >= 0, "bytesLimit must be >= 0, got %s", bytesLimit);
    Checks.requireArgument(
        itemsLimit == null || itemsLimit >= 0, "itemsLimit must be >= 0, got %s", itemsLimit);
    Checks.requireArgument(
        ageLimit == null || !ageLimit.isNegative(),
        "ageLimit has to be a positive duration, got %s",
        ageLimit);
    StoreBackend s = store;
    if (s == null) {
      return;
    }
    List<CacheItem> items;
    try {
      items = new ArrayList<>(s.items());
    } catch (IOException e) {
      CacheLog.warn("[" + this + "]: Could not list the cached items to reduce the size", e);
      return;
    }
    List<CacheItem> deleted = itemsToDelete(items, bytesLimit, itemsLimit, ageLimit, Instant.now());
    for (CacheItem item : deleted) {
      if (verbose > 10) {
        CacheLog.info("Deleting item " + item);
      }
      try {
        s.delete(item.path());
      } catch (IOException e) {
        // Deleted concurrently, or not deletable: joblib ignores both.
      }
    }
    items.removeAll(deleted);
    deleteStaleTemporaries(s, items);
  }

  /**
   * Deletes the temporary files that writers killed mid-write left in the kept items, once they are
   * older than {@link #STALE_TEMPORARY}: no live writer takes that long.
   */
  private static void deleteStaleTemporaries(StoreBackend s, List<CacheItem> items) {
    long cutoff = System.currentTimeMillis() - STALE_TEMPORARY.toMillis();
    for (CacheItem item : items) {
      try {
        for (String name : s.list(item.path())) {
          if (Stores.isStaleTemporary(name, cutoff)) {
            s.delete(item.path() + "/" + name);
          }
        }
      } catch (IOException e) {
        // Deleted concurrently: nothing left to clean.
      }
    }
  }

  /** joblib's {@code _get_items_to_delete}: the least recently used items past the limits. */
  static List<CacheItem> itemsToDelete(
      List<CacheItem> items,
      @Nullable Long bytesLimit,
      @Nullable Integer itemsLimit,
      @Nullable Duration ageLimit,
      Instant now) {
    long total = 0;
    for (CacheItem item : items) {
      total += item.size();
    }
    long sizeToDelete = bytesLimit == null ? 0 : Math.max(0, total - bytesLimit);
    long countToDelete = itemsLimit == null ? 0 : Math.max(0, items.size() - itemsLimit);
    Instant deadline = ageLimit == null ? null : now.minus(ageLimit);
    List<CacheItem> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparing(CacheItem::lastAccess));
    boolean anyTooOld =
        deadline != null && !sorted.isEmpty() && !sorted.get(0).lastAccess().isAfter(deadline);
    List<CacheItem> delete = new ArrayList<>();
    if (sizeToDelete <= 0 && countToDelete <= 0 && !anyTooOld) {
      return delete;
    }
    long size = 0;
    for (CacheItem item : sorted) {
      if (size >= sizeToDelete
          && delete.size() >= countToDelete
          && (deadline == null || item.lastAccess().isAfter(deadline))) {
        break;
      }
      delete.add(item);
      size += item.size();
    }
    return delete;
  }

  /** Deletes every cached result of every function in the location (joblib's {@code clear}). */
  public void clear() {
    StoreBackend s = store;
    if (s == null) {
      return;
    }
    if (verbose > 0) {
      CacheLog.info("[" + this + "]: Flushing completely the cache");
    }
    try {
      s.delete("");
    } catch (IOException e) {
      CacheLog.warn("[" + this + "]: Could not clear the cache", e);
    } finally {
      MemorizedFunction.GENERATION.incrementAndGet();
    }
  }

  @Nullable StoreBackend store() {
    return store;
  }

  int verboseLevel() {
    return verbose;
  }

  MmapMode mmapModeValue() {
    return mmapMode;
  }

  Compression compressionValue() {
    return Compression.of(codec, level);
  }

  long timestamp() {
    return timestamp;
  }

  @Override
  public String toString() {
    return "Memory(location=" + (store == null ? "None" : store.location()) + ")";
  }
}
