package org.joblib4j.memory;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.joblib4j.Delayed;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.SerializableCallable;
import org.joblib4j.SerializableFunction;
import org.joblib4j.SerializableFunction3;
import org.joblib4j.SerializableFunction4;
import org.joblib4j.SerializableSupplier;
import org.joblib4j.Task;
import org.joblib4j.internal.Lambdas;
import org.jspecify.annotations.Nullable;

/**
 * The options of one {@link Memory#cache} call (joblib's {@code ignore} and {@code
 * cache_validation_callback}, and an explicit name), then the {@code cache} and {@code memorize}
 * methods that apply them. Made by {@link Memory#cacheOptions()}:
 *
 * <pre>{@code
 * SerializableBiFunction<double[], Integer, double[]> fit =
 *     memory.cacheOptions().ignore(1).cacheValidation(CacheValidation.expiresAfter(ofHours(1)))
 *         .cache(Model::fit);
 * }</pre>
 *
 * <p>This class is immutable.
 */
public final class CacheOptions {
  private static final String SELF = "org/joblib4j/memory/CacheOptions";

  private final Memory memory;
  private final int[] ignore;
  private final @Nullable String name;
  private final @Nullable CacheValidation validation;

  CacheOptions(
      Memory memory, int[] ignore, @Nullable String name, @Nullable CacheValidation validation) {
    this.memory = memory;
    this.ignore = ignore;
    this.name = name;
    this.validation = validation;
  }

  /**
   * Returns these options with the arguments at {@code positions} (0 is the first) left out of the
   * cache key: calls that differ only there share one cached result.
   */
  public CacheOptions ignore(int... positions) {
    return new CacheOptions(memory, positions.clone(), name, validation);
  }

  /**
   * Returns these options with the function stored under {@code name} instead of its class and
   * method name; functions given the same name share one folder.
   */
  public CacheOptions name(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "name must not be blank; give a folder name such as" + " \"square\"");
    }
    return new CacheOptions(memory, ignore, name, validation);
  }

  /**
   * Returns these options with {@code validation} deciding whether a cached result may be served,
   * such as {@link CacheValidation#expiresAfter}.
   */
  public CacheOptions cacheValidation(CacheValidation validation) {
    return new CacheOptions(memory, ignore, name, Objects.requireNonNull(validation));
  }

  /** Returns {@code f} with its results cached. */
  public <A, R> SerializableFunction<A, R> cache(SerializableFunction<A, R> f) {
    if (memory.store() == null) {
      return f;
    }
    MemorizedFunction<R> mf = memorize(f);
    return a -> mf.cached(new @Nullable Object[] {a});
  }

  /** Returns {@code f} with its results cached. */
  public <A, B, R> SerializableBiFunction<A, B, R> cache(SerializableBiFunction<A, B, R> f) {
    if (memory.store() == null) {
      return f;
    }
    MemorizedFunction<R> mf = memorize(f);
    return (a, b) -> mf.cached(new @Nullable Object[] {a, b});
  }

  /** Returns {@code f} with its results cached. */
  public <A, B, C, R> SerializableFunction3<A, B, C, R> cache(SerializableFunction3<A, B, C, R> f) {
    if (memory.store() == null) {
      return f;
    }
    MemorizedFunction<R> mf = memorize(f);
    return (a, b, c) -> mf.cached(new @Nullable Object[] {a, b, c});
  }

  /** Returns {@code f} with its results cached. */
  public <A, B, C, D, R> SerializableFunction4<A, B, C, D, R> cache(
      SerializableFunction4<A, B, C, D, R> f) {
    if (memory.store() == null) {
      return f;
    }
    MemorizedFunction<R> mf = memorize(f);
    return (a, b, c, d) -> mf.cached(new @Nullable Object[] {a, b, c, d});
  }

  /** Returns {@code f} with its result cached; the values it captured form the key. */
  public <R> SerializableCallable<R> cache(SerializableCallable<R> f) {
    if (memory.store() == null) {
      return f;
    }
    MemorizedFunction<R> mf = memorize(f);
    return () -> mf.cached(new @Nullable Object[0]);
  }

  /** Returns {@code f} with its result cached; the values it captured form the key. */
  public <R> SerializableSupplier<R> cache(SerializableSupplier<R> f) {
    if (memory.store() == null) {
      return f;
    }
    MemorizedFunction<R> mf = memorize(f);
    return () -> mf.cached(new @Nullable Object[0]);
  }

  /**
   * Returns a task that runs {@code task}'s function through the cache, with the same arguments:
   * run in {@link org.joblib4j.Parallel}, each task reads its result from the cache when present.
   */
  @SuppressWarnings("unchecked")
  public <R> Task<R> cache(Task<R> task) {
    if (memory.store() == null) {
      return task;
    }
    MemorizedFunction<R> mf = memorize0(task.function());
    List<@Nullable Object> a = task.arguments();
    switch (a.size()) {
      case 0:
        return Delayed.delayed((SerializableCallable<R>) () -> mf.cached(new @Nullable Object[0]));
      case 1:
        return Delayed.delayed(
            (SerializableFunction<@Nullable Object, R>) x -> mf.cached(new @Nullable Object[] {x}),
            a.get(0));
      case 2:
        return Delayed.delayed(
            (SerializableBiFunction<@Nullable Object, @Nullable Object, R>)
                (x, y) -> mf.cached(new @Nullable Object[] {x, y}),
            a.get(0),
            a.get(1));
      case 3:
        return Delayed.delayed(
            (SerializableFunction3<@Nullable Object, @Nullable Object, @Nullable Object, R>)
                (x, y, z) -> mf.cached(new @Nullable Object[] {x, y, z}),
            a.get(0),
            a.get(1),
            a.get(2));
      default:
        return Delayed.delayed(
            (SerializableFunction4<
                    @Nullable Object, @Nullable Object, @Nullable Object, @Nullable Object, R>)
                (w, x, y, z) -> mf.cached(new @Nullable Object[] {w, x, y, z}),
            a.get(0),
            a.get(1),
            a.get(2),
            a.get(3));
    }
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for its extra operations. */
  public <A, R> MemorizedFunction<R> memorize(SerializableFunction<A, R> f) {
    return memorize0(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for its extra operations. */
  public <A, B, R> MemorizedFunction<R> memorize(SerializableBiFunction<A, B, R> f) {
    return memorize0(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for its extra operations. */
  public <A, B, C, R> MemorizedFunction<R> memorize(SerializableFunction3<A, B, C, R> f) {
    return memorize0(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for its extra operations. */
  public <A, B, C, D, R> MemorizedFunction<R> memorize(SerializableFunction4<A, B, C, D, R> f) {
    return memorize0(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for its extra operations. */
  public <R> MemorizedFunction<R> memorize(SerializableCallable<R> f) {
    return memorize0(f);
  }

  /** Returns {@code f} as a {@link MemorizedFunction}, for its extra operations. */
  public <R> MemorizedFunction<R> memorize(SerializableSupplier<R> f) {
    return memorize0(f);
  }

  /** Returns {@code task}'s function as a {@link MemorizedFunction}, for its extra operations. */
  public <R> MemorizedFunction<R> memorize(Task<R> task) {
    return memorize0(task.function());
  }

  private <R> MemorizedFunction<R> memorize0(Serializable f) {
    Objects.requireNonNull(f, "function");
    return new MemorizedFunction<>(memory, unwrap(f), ignore, name, validation);
  }

  /** Returns the function behind a function this class already cached (joblib unwraps too). */
  private static Serializable unwrap(Serializable f) {
    Optional<SerializedLambda> form = Lambdas.serializedForm(f);
    if (form.isPresent()
        && form.get().getImplClass().equals(SELF)
        && form.get().getCapturedArgCount() == 1
        && form.get().getCapturedArg(0) instanceof MemorizedFunction<?> mf) {
      return mf.function();
    }
    return f;
  }
}
