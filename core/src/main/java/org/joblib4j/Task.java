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

  private static final byte CALLABLE = 0;
  private static final byte SUPPLIER = 1;
  private static final byte RUNNABLE = 2;
  private static final byte FUNCTION = 3;
  private static final byte BI_FUNCTION = 4;
  private static final byte FUNCTION3 = 5;
  private static final byte FUNCTION4 = 6;

  private static final @Nullable Object[] NO_ARGUMENTS = {};

  private final Serializable function;
  // The argument of a one-argument function, kept out of an array as most tasks have one; the
  // Object[] of the arguments of a function of two or more; null for a body. A task is created
  // for every element of the input, so it holds no more than these three fields.
  private final @Nullable Object argument;
  private final byte kind;

  Task(Serializable function, @Nullable Object[] arguments) {
    this.function = Objects.requireNonNull(function, "function");
    this.kind = kind(function);
    int arity = arity(kind);
    if (arity != arguments.length) {
      throw new IllegalArgumentException(
          "A " + function.getClass().getSimpleName() + " takes " + arity + " arguments, got "
              + arguments.length);
    }
    this.argument = arity == 1 ? arguments[0] : arity >= 2 ? arguments : null;
  }

  Task(SerializableFunction<?, ?> function, @Nullable Object argument) {
    this.function = Objects.requireNonNull(function, "function");
    this.kind = FUNCTION;
    this.argument = argument;
  }

  /** Runs the function with the arguments, in the calling thread, and returns its result. */
  @SuppressWarnings("unchecked")
  public R call() throws Exception {
    Object f = function;
    if (kind == FUNCTION) {
      return ((SerializableFunction<Object, R>) f).apply(argument);
    }
    @Nullable Object[] arguments = kind > FUNCTION ? several() : NO_ARGUMENTS;
    switch (kind) {
      case BI_FUNCTION:
        return ((SerializableBiFunction<Object, Object, R>) f).apply(arguments[0], arguments[1]);
      case FUNCTION3:
        return ((SerializableFunction3<Object, Object, Object, R>) f)
            .apply(arguments[0], arguments[1], arguments[2]);
      case FUNCTION4:
        return ((SerializableFunction4<Object, Object, Object, Object, R>) f)
            .apply(arguments[0], arguments[1], arguments[2], arguments[3]);
      case CALLABLE:
        return ((SerializableCallable<R>) f).call();
      case SUPPLIER:
        return ((SerializableSupplier<R>) f).get();
      case RUNNABLE:
        ((SerializableRunnable) f).run();
        return null;
      default:
        throw new IllegalStateException("Unsupported function type " + f.getClass().getName());
    }
  }

  /** Returns the function (one of the {@code Serializable*} functional interfaces). */
  public Serializable function() {
    return function;
  }

  /** Returns the arguments, in order; empty for a body. The list may hold nulls. */
  public List<@Nullable Object> arguments() {
    if (kind == FUNCTION) {
      return Collections.singletonList(argument);
    }
    return Collections.unmodifiableList(Arrays.asList(argumentArray()));
  }

  /**
   * Returns a task with the same function and other arguments of the same count. Backends use it
   * to replace a large argument by a reference that a worker resolves once.
   */
  public Task<R> withArguments(List<? extends @Nullable Object> newArguments) {
    int arity = arity(kind);
    if (newArguments.size() != arity) {
      throw new IllegalArgumentException(
          "Expected " + arity + " arguments, got " + newArguments.size());
    }
    return new Task<>(function, new ArrayList<@Nullable Object>(newArguments).toArray());
  }

  /**
   * Returns a short description of the call, such as {@code MyMath.square([1.0, 2.0, ...])}, with
   * long arguments shortened; used in errors and logs.
   */
  public String describe() {
    return Describe.call(function, argumentArray());
  }

  @Override
  public String toString() {
    return "Task[" + describe() + "]";
  }

  private @Nullable Object[] several() {
    return (@Nullable Object[]) Objects.requireNonNull(argument);
  }

  private @Nullable Object[] argumentArray() {
    if (kind == FUNCTION) {
      return new @Nullable Object[] {argument};
    }
    return kind > FUNCTION ? several().clone() : NO_ARGUMENTS;
  }

  private static int arity(byte kind) {
    return kind >= FUNCTION ? kind - FUNCTION + 1 : 0;
  }

  private static byte kind(Serializable function) {
    if (function instanceof SerializableFunction<?, ?>) {
      return FUNCTION;
    } else if (function instanceof SerializableBiFunction<?, ?, ?>) {
      return BI_FUNCTION;
    } else if (function instanceof SerializableFunction3<?, ?, ?, ?>) {
      return FUNCTION3;
    } else if (function instanceof SerializableFunction4<?, ?, ?, ?, ?>) {
      return FUNCTION4;
    } else if (function instanceof SerializableCallable<?>) {
      return CALLABLE;
    } else if (function instanceof SerializableSupplier<?>) {
      return SUPPLIER;
    } else if (function instanceof SerializableRunnable) {
      return RUNNABLE;
    }
    throw new IllegalArgumentException(
        "Unsupported function type "
            + function.getClass().getName()
            + ": use one of the org.joblib4j.Serializable* functional interfaces");
  }
}
