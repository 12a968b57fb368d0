package org.joblib4j.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.SerializableCallable;
import org.joblib4j.SerializableFunction;
import org.joblib4j.SerializableFunction3;
import org.joblib4j.SerializableFunction4;
import org.joblib4j.SerializableRunnable;
import org.joblib4j.SerializableSupplier;
import org.joblib4j.SerializationException;
import org.joblib4j.internal.Checks;
import org.joblib4j.internal.Describe;
import org.jspecify.annotations.Nullable;

/**
 * A function whose results are cached on disk by a {@link Memory} (joblib's {@code MemorizedFunc}),
 * with arguments passed as an array. {@link Memory#cache} wraps one of these in the function's own
 * type; {@link Memory#memorize} returns it for the extra operations: {@link #callAndShelve}, {@link
 * #checkCallInCache}, {@link #call} and {@link #clear}.
 *
 * <p>Exceptions thrown by the function propagate unchanged and are never cached. It is {@link
 * Serializable}, so a cached function can run in worker JVMs and Spark executors that share the
 * cache location. This class is thread-safe.
 *
 * @param <R> the result type
 */
public final class MemorizedFunction<R> implements Serializable {
  private static final long serialVersionUID = 1L;

  /*
   * Design note: a call hashes its arguments, checks the function's code hash, then reads
   * <function>/<argument hash>/output. The code check reads func_code.txt once per function and
   * location in this JVM (CHECKED), and again only after a cache in this JVM was cleared
   * (GENERATION counts clears) or another version of the function was seen, so a hit costs one
   * hash, one file read and one access-time update. There are no locks: two callers may compute
   * the same entry, and the last rename wins (joblib does the same). An entry is served only
   * when its output file exists; the output is written before metadata.json, and every file
   * lands by an atomic rename, so a reader never sees a partial file and a writer
   * killed at any point leaves at most a temporary file that no reader opens.
   *
   * Code-change checks are per process: if two processes with different versions of a function
   * share a location at the same time, each clears the other's entries on its next check, but a
   * process that checked before the other's change keeps its view until a clear in its own JVM.
   */
  static final AtomicInteger GENERATION = new AtomicInteger(1);
  private static final Object MISS = new Object();

  /** Code already checked in this JVM, by location and function id, with the generation. */
  private static final ConcurrentMap<String, CheckedCode> CHECKED = new ConcurrentHashMap<>();

  private static final long TOUCH_INTERVAL = 1_000_000_000L;

  /** The output this instance last recorded a read of, and when (System.nanoTime). */
  private record Touched(String output, long nanos) {}

  /** A function's code line as checked against the store, and the generation of that check. */
  private record CheckedCode(String code, int generation) {}

  private final Memory memory;
  private final Serializable function;
  private final int arity;
  private final int[] ignore;
  private final @Nullable String name;
  private final @Nullable CacheValidation validation;
  private transient volatile @Nullable FunctionIdentity identity;
  private transient volatile @Nullable Touched lastTouched;

  MemorizedFunction(
      Memory memory,
      Serializable function,
      int[] ignore,
      @Nullable String name,
      @Nullable CacheValidation validation) {
    this.memory = memory;
    this.function = Objects.requireNonNull(function, "function");
    this.arity = arity(function);
    for (int position : ignore) {
      Checks.requireArgument(
          position >= 0 && position < arity,
          "Cannot ignore argument %d of a function of %d arguments: positions start at 0 and"
              + " must be less than %d",
          position,
          arity,
          arity);
    }
    this.ignore = ignore.clone();
    Arrays.sort(this.ignore);
    this.name = name;
    this.validation = validation;
  }

  /** Returns the function this caches. */
  public Serializable function() {
    return function;
  }

  /** Returns the name of this function's folder in the store. */
  public String functionId() {
    return identity().id();
  }

  /**
   * Returns the result of the function for {@code args}: read from the cache when present and
   * valid, otherwise computed, stored, and returned.
   *
   * @throws IllegalArgumentException if the number of arguments is not the function's
   */
  public @Nullable R apply(@Nullable Object... args) {
    return cached(checkArguments(args));
  }

  /**
   * Computes the function for {@code args} whether or not a result is cached, stores the result in
   * place of any cached one, and returns it (joblib's {@code call}).
   */
  @SuppressWarnings("unchecked")
  public @Nullable R call(@Nullable Object... args) {
    checkArguments(args);
    StoreBackend store = memory.store();
    if (store == null) {
      return invoke(args);
    }
    FunctionIdentity id = identity();
    checkCode(store, id);
    return (R) compute(store, id, item(id, args), args).value;
  }

  /**
   * Makes sure the result for {@code args} is in the cache, computing it if needed, and returns a
   * reference to it instead of the value (joblib's {@code call_and_shelve}). A cached result is not
   * read. When caching is disabled or the result could not be stored, the reference holds the value
   * in memory.
   */
  public MemorizedResult<R> callAndShelve(@Nullable Object... args) {
    checkArguments(args);
    StoreBackend store = memory.store();
    if (store == null) {
      return MemorizedResult.inMemory(invoke(args));
    }
    FunctionIdentity id = identity();
    checkCode(store, id);
    String item = item(id, args);
    if (isCachedAndValid(store, id, item)) {
      return new MemorizedResult<>(memory, id.id(), item.substring(item.indexOf('/') + 1));
    }
    Computed computed = compute(store, id, item, args);
    if (!computed.stored) {
      @SuppressWarnings("unchecked")
      R value = (R) computed.value;
      return MemorizedResult.inMemory(value);
    }
    return new MemorizedResult<>(memory, id.id(), item.substring(item.indexOf('/') + 1));
  }

  /**
   * Returns whether a valid result for {@code args} is in the cache, without computing anything.
   * Like joblib, this first checks the function's code and clears its results if it changed.
   */
  public boolean checkCallInCache(@Nullable Object... args) {
    checkArguments(args);
    StoreBackend store = memory.store();
    if (store == null) {
      return false;
    }
    FunctionIdentity id = identity();
    checkCode(store, id);
    return isCachedAndValid(store, id, item(id, args));
  }

  /** Deletes every cached result of this function. */
  public void clear() {
    StoreBackend store = memory.store();
    if (store == null) {
      return;
    }
    FunctionIdentity id = identity();
    if (memory.verboseLevel() > 0) {
      CacheLog.info("[Memory] Clearing function cache identified by " + id.id());
    }
    try {
      store.delete(id.id());
      GENERATION.incrementAndGet();
      writeCode(store, id);
    } catch (IOException e) {
      CacheLog.warn(prefix(store, id) + "Could not clear the cache of " + id.id(), e);
    }
  }

  @Override
  public String toString() {
    StoreBackend store = memory.store();
    return "MemorizedFunction(func="
        + identity().qualifiedName()
        + ", location="
        + (store == null ? "None" : store.location())
        + ")";
  }

  // ---- the cached call ---------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  @Nullable R cached(@Nullable Object[] args) {
    StoreBackend store = memory.store();
    if (store == null) {
      return invoke(args);
    }
    FunctionIdentity id = identity();
    String item;
    try {
      item = item(id, args);
    } catch (RuntimeException e) {
      CacheLog.warn(
          prefix(store, id)
              + "Cannot hash the arguments of "
              + signature(id, args)
              + ", so the result is computed and not cached. Pass arguments that Joblib.hash"
              + " accepts, or ignore this one with cacheOptions().ignore(position)",
          e);
      return invoke(args);
    }
    checkCode(store, id);
    Object hit = load(store, id, item, args);
    if (hit != MISS) {
      return (R) hit;
    }
    return (R) compute(store, id, item, args).value;
  }

  private @Nullable Object load(
      StoreBackend store, FunctionIdentity id, String item, @Nullable Object[] args) {
    long start = System.nanoTime();
    if (validation != null && !isValid(store, id, item)) {
      return MISS;
    }
    String output = item + "/" + Memory.OUTPUT;
    Object value;
    try {
      value = read(store, output);
    } catch (IOException | RuntimeException | LinkageError e) {
      if (ResultFiles.isMissing(e)) {
        return MISS;
      }
      CacheLog.warn(
          prefix(store, id)
              + "Exception while loading results for "
              + signature(id, args)
              + " from "
              + Stores.where(store, output)
              + "; computing it again",
          e);
      return MISS;
    }
    touch(store, output);
    int verbose = memory.verboseLevel();
    if (verbose > 1) {
      String t = CacheLog.formatTime((System.currentTimeMillis() - memory.timestamp()) / 1e3);
      String where = verbose < 10 ? "..." : " from " + Stores.where(store, item);
      CacheLog.info(Checks.format("[Memory]%-16s: Loading %s%s", t, id.shortName(), where));
    }
    if (verbose > 4) {
      CacheLog.timing(id.shortName(), " cache loaded", (System.nanoTime() - start) / 1e9);
    }
    return value;
  }

  private @Nullable Object read(StoreBackend store, String path) throws IOException {
    Optional<Path> local = store.localFile(path);
    if (local.isPresent()) {
      return ResultFiles.load(local.get(), memory.mmapModeValue());
    }
    try (InputStream in = store.openRead(path)) {
      return ResultFiles.load(in);
    }
  }

  /**
   * Records the read of {@code output} for least-recently-used eviction, at most once a second for
   * the same output in a row: eviction needs no finer order, and a hot loop saves the system call.
   */
  private void touch(StoreBackend store, String output) {
    long now = System.nanoTime();
    Touched last = lastTouched;
    if (last != null && last.output().equals(output) && now - last.nanos() < TOUCH_INTERVAL) {
      return;
    }
    try {
      store.touch(output);
      lastTouched = new Touched(output, now);
    } catch (IOException | RuntimeException e) {
      // The access time only orders eviction; a store that cannot record it still serves.
    }
  }

  private boolean isCachedAndValid(StoreBackend store, FunctionIdentity id, String item) {
    try {
      if (!store.exists(item + "/" + Memory.OUTPUT)) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    return validation == null || isValid(store, id, item);
  }

  private boolean isValid(StoreBackend store, FunctionIdentity id, String item) {
    CacheValidation v = Objects.requireNonNull(validation);
    Optional<CacheMetadata> metadata = readMetadata(store, item);
    if (metadata.isEmpty()) {
      return false;
    }
    try {
      return v.isValid(metadata.get());
    } catch (RuntimeException e) {
      CacheLog.warn(
          prefix(store, id)
              + "The cache validation "
              + v
              + " threw; the cached result"
              + " counts as invalid",
          e);
      return false;
    }
  }

  static Optional<CacheMetadata> readMetadata(StoreBackend store, String item) {
    try (InputStream in = store.openRead(item + "/" + Memory.METADATA)) {
      return Optional.of(MetadataJson.read(in.readAllBytes()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The outcome of computing: the value, and whether it reached the store. */
  private static final class Computed {
    final @Nullable Object value;
    final boolean stored;

    Computed(@Nullable Object value, boolean stored) {
      this.value = value;
      this.stored = stored;
    }
  }

  private Computed compute(
      StoreBackend store, FunctionIdentity id, String item, @Nullable Object[] args) {
    int verbose = memory.verboseLevel();
    if (verbose > 0) {
      CacheLog.calling(id.qualifiedName(), signature(id, args));
    }
    long start = System.nanoTime();
    Object value = invoke(args);
    boolean stored = false;
    String output = item + "/" + Memory.OUTPUT;
    try {
      if (verbose > 10) {
        CacheLog.info("Persisting in " + Stores.where(store, item));
      }
      long size =
          store.writeAtomically(
              output, out -> ResultFiles.dump(value, out, memory.compressionValue()));
      Duration duration = Duration.ofNanos(System.nanoTime() - start);
      Instant now = Instant.now();
      CacheMetadata metadata = new CacheMetadata(duration, now, inputArgs(id, args), size, now);
      byte[] json = MetadataJson.write(metadata, id.qualifiedName());
      store.writeAtomically(item + "/" + Memory.METADATA, out -> out.write(json));
      if (!store.exists(id.id() + "/" + Memory.CODE)) {
        writeCode(store, id);
      }
      stored = true;
    } catch (SerializationException e) {
      // A result that cannot travel is refused when it is written, as by dump: storing it again
      // would fail on every call.
      throw new SerializationException(
          prefix(store, id)
              + "The result of "
              + signature(id, args)
              + " cannot be stored in "
              + store.location()
              + ": "
              + e.getMessage(),
          e);
    } catch (IOException | RuntimeException | LinkageError e) {
      CacheLog.warn(
          prefix(store, id)
              + "Unable to cache to disk: the result of "
              + signature(id, args)
              + " is returned but not stored in "
              + store.location()
              + " ("
              + e
              + "). Check that the location is writable and has free space",
          e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (verbose > 0) {
      CacheLog.timing(id.shortName(), "", seconds);
    }
    if (stored
        && memory.mmapModeValue() != org.joblib4j.MmapMode.NONE
        && store.localFile(output).isPresent()) {
      try {
        return new Computed(read(store, output), true);
      } catch (IOException | RuntimeException e) {
        CacheLog.warn(
            prefix(store, id)
                + "Could not map the stored result of "
                + signature(id, args)
                + "; returning it from memory",
            e);
      }
    }
    return new Computed(value, stored);
  }

  // ---- the function's code -----------------------------------------------------------------

  private void checkCode(StoreBackend store, FunctionIdentity id) {
    int generation = GENERATION.get();
    String key = store.location() + "\n" + id.id();
    CheckedCode checked = CHECKED.get(key);
    if (checked != null && checked.generation() == generation && checked.code().equals(id.code())) {
      return;
    }
    String codePath = id.id() + "/" + Memory.CODE;
    String stored;
    try (InputStream in = store.openRead(codePath)) {
      stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      stored = null;
    } catch (IOException | RuntimeException e) {
      // Unreadable: the results beside it cannot be read either; keep them for a later check.
      CacheLog.warn(prefix(store, id) + "Could not read the code hash of " + id.id(), e);
      return;
    }
    try {
      if (stored == null) {
        writeCode(store, id);
      } else if (!stored.equals(id.code())) {
        CacheLog.warn(
            prefix(store, id)
                + "Function "
                + id.shortName()
                + " (identified by "
                + id.id()
                + ") has changed: its cached results were computed by other code and are"
                + " cleared",
            null);
        store.delete(id.id());
        generation = GENERATION.incrementAndGet();
        writeCode(store, id);
      }
    } catch (IOException | RuntimeException e) {
      CacheLog.warn(
          prefix(store, id)
              + "Could not check or record the code of "
              + id.id()
              + " in "
              + store.location(),
          e);
    }
    CHECKED.put(key, new CheckedCode(id.code(), generation));
  }

  private static void writeCode(StoreBackend store, FunctionIdentity id) throws IOException {
    byte[] code = id.code().getBytes(StandardCharsets.UTF_8);
    store.writeAtomically(id.id() + "/" + Memory.CODE, out -> out.write(code));
  }

  // ---- keys, descriptions, invocation ------------------------------------------------------

  private String item(FunctionIdentity id, @Nullable Object[] args) {
    return id.id() + "/" + argumentHash(id, args);
  }

  String argumentHash(FunctionIdentity id, @Nullable Object[] args) {
    @Nullable Object[] captured = id.captured();
    @Nullable Object[] parts = new Object[1 + captured.length + args.length - ignore.length];
    int n = 0;
    parts[n++] = id.signature();
    for (Object c : captured) {
      parts[n++] = c;
    }
    for (int i = 0; i < args.length; i++) {
      if (Arrays.binarySearch(ignore, i) < 0) {
        parts[n++] = args[i];
      }
    }
    return ResultFiles.hash(parts);
  }

  private Map<String, String> inputArgs(FunctionIdentity id, @Nullable Object[] args) {
    Map<String, String> described = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (Arrays.binarySearch(ignore, i) < 0) {
        described.put("arg" + i, Describe.argument(args[i]));
      }
    }
    @Nullable Object[] captured = id.captured();
    for (int i = 0; i < captured.length; i++) {
      described.put("captured" + i, Describe.argument(captured[i]));
    }
    return described;
  }

  private static String signature(FunctionIdentity id, @Nullable Object[] args) {
    StringBuilder sb = new StringBuilder(id.shortName()).append('(');
    for (int i = 0; i < args.length; i++) {
      sb.append(i > 0 ? ", " : "").append(Describe.argument(args[i]));
    }
    return sb.append(')').toString();
  }

  private String prefix(StoreBackend store, FunctionIdentity id) {
    return "[MemorizedFunction(func="
        + id.qualifiedName()
        + ", location="
        + store.location()
        + ")]: ";
  }

  FunctionIdentity identity() {
    FunctionIdentity id = identity;
    if (id == null) {
      id = FunctionIdentity.of(function, name);
      identity = id;
    }
    return id;
  }

  private @Nullable Object[] checkArguments(@Nullable Object[] args) {
    Checks.requireArgument(
        args.length == arity,
        "%s takes %d arguments, got %d",
        identity().qualifiedName(),
        arity,
        args.length);
    return args;
  }

  @SuppressWarnings("unchecked")
  private @Nullable R invoke(@Nullable Object[] args) {
    Object f = function;
    try {
      if (f instanceof SerializableFunction<?, ?> fn) {
        return ((SerializableFunction<Object, R>) fn).apply(args[0]);
      } else if (f instanceof SerializableBiFunction<?, ?, ?> fn) {
        return ((SerializableBiFunction<Object, Object, R>) fn).apply(args[0], args[1]);
      } else if (f instanceof SerializableFunction3<?, ?, ?, ?> fn) {
        return ((SerializableFunction3<Object, Object, Object, R>) fn)
            .apply(args[0], args[1], args[2]);
      } else if (f instanceof SerializableFunction4<?, ?, ?, ?, ?> fn) {
        return ((SerializableFunction4<Object, Object, Object, Object, R>) fn)
            .apply(args[0], args[1], args[2], args[3]);
      } else if (f instanceof SerializableCallable<?> c) {
        return (R) c.call();
      } else if (f instanceof SerializableSupplier<?> s) {
        return (R) s.get();
      } else if (f instanceof SerializableRunnable r) {
        r.run();
        return null;
      }
    } catch (Exception e) {
      throw MemorizedFunction.<RuntimeException>sneakyThrow(e);
    }
    throw new IllegalStateException("Unsupported function type " + f.getClass().getName());
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneakyThrow(Throwable e) throws E {
    throw (E) e;
  }

  static int arity(Object function) {
    if (function instanceof SerializableFunction<?, ?>) {
      return 1;
    } else if (function instanceof SerializableBiFunction<?, ?, ?>) {
      return 2;
    } else if (function instanceof SerializableFunction3<?, ?, ?, ?>) {
      return 3;
    } else if (function instanceof SerializableFunction4<?, ?, ?, ?, ?>) {
      return 4;
    } else if (function instanceof SerializableCallable<?>
        || function instanceof SerializableSupplier<?>
        || function instanceof SerializableRunnable) {
      return 0;
    }
    throw new IllegalArgumentException(
        "Cannot cache a "
            + function.getClass().getName()
            + ": use one of the org.joblib4j.Serializable* functional interfaces");
  }
}
