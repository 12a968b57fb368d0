package org.joblib4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.joblib4j.internal.Describe;
import org.jspecify.annotations.Nullable;

/**
 * One serializable unit of work: a function and its arguments kept apart, or a body with no
 * arguments. Made by {@link Delayed#delayed}; run by {@link Parallel}.
 *
 * <p>Keeping the arguments apart from the function is what lets the engine hash them, ship large
 * ones once, and name the failing call in an error. This class is immutable when its function and
 * arguments are.
 *
 * @param <R> the result type
 */
public final class Task<R> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Serializable function;
  private final @Nullable Object[] arguments;

  Task(Serializable function, @Nullable Object[] arguments) {
    this.function = Objects.requireNonNull(function, "function");
    this.arguments = arguments;
    int arity = arity(function);
    if (arity >= 0 && arity != arguments.length) {
      throw new IllegalArgumentException(
          "A " + function.getClass().getSimpleName() + " takes " + arity + " arguments, got "
              + arguments.length);
    }
  }

  /** Runs the function with the arguments, in the calling thread, and returns its result. */
  @SuppressWarnings("unchecked")
  public R call() throws Exception {
    Object f = function;
    if (f instanceof SerializableCallable<?> c) {
      return (R) c.call();
    } else if (f instanceof SerializableSupplier<?> s) {
      return (R) s.get();
    } else if (f instanceof SerializableRunnable r) {
      r.run();
      return null;
    } else if (f instanceof SerializableFunction<?, ?> fn) {
      return ((SerializableFunction<Object, R>) fn).apply(arguments[0]);
    } else if (f instanceof SerializableBiFunction<?, ?, ?> fn) {
      return ((SerializableBiFunction<Object, Object, R>) fn).apply(arguments[0], arguments[1]);
    } else if (f instanceof SerializableFunction3<?, ?, ?, ?> fn) {
      return ((SerializableFunction3<Object, Object, Object, R>) fn)
          .apply(arguments[0], arguments[1], arguments[2]);
    } else if (f instanceof SerializableFunction4<?, ?, ?, ?, ?> fn) {
      return ((SerializableFunction4<Object, Object, Object, Object, R>) fn)
          .apply(arguments[0], arguments[1], arguments[2], arguments[3]);
    }
    throw new IllegalStateException("Unsupported function type " + f.getClass().getName());
  }

  /** Returns the function (one of the {@code Serializable*} functional interfaces). */
  public Serializable function() {
    return function;
  }

  /** Returns the arguments, in order; empty for a body. The list may hold nulls. */
  public List<@Nullable Object> arguments() {
    return Collections.unmodifiableList(Arrays.asList(arguments));
  }

  /**
   * Returns a task with the same function and other arguments of the same count. Backends use it
   * to replace a large argument by a reference that a worker resolves once.
   */
  public Task<R> withArguments(List<? extends @Nullable Object> newArguments) {
    if (newArguments.size() != arguments.length) {
      throw new IllegalArgumentException(
          "Expected " + arguments.length + " arguments, got " + newArguments.size());
    }
    return new Task<>(function, new ArrayList<@Nullable Object>(newArguments).toArray());
  }

  /**
   * Returns a short description of the call, such as {@code MyMath.square([1.0, 2.0, ...])}, with
   * long arguments shortened; used in errors and logs.
   */
  public String describe() {
    return Describe.call(function, arguments);
  }

  @Override
  public String toString() {
    return "Task[" + describe() + "]";
  }

  private static int arity(Serializable function) {
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
        "Unsupported function type "
            + function.getClass().getName()
            + ": use one of the org.joblib4j.Serializable* functional interfaces");
  }
}
