package org.joblib4j;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Factories for {@link Task}s, joblib's {@code delayed}.
 *
 * <pre>{@code
 * import static org.joblib4j.Delayed.delayed;
 *
 * List<Double> roots = new Parallel().nJobs(2)
 *     .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
 * // joblib's spelling: delayed(f).apply(args)
 * List<Double> same = new Parallel().nJobs(2)
 *     .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt).apply((double) i * i)));
 * }</pre>
 *
 * <p>Prefer the forms that keep the arguments apart ({@code delayed(f, a)}) to a body
 * ({@code delayed(() -> f(a))}): the engine can then hash the arguments, send a large one once,
 * and name the call in an error. This class is immutable.
 */
public final class Delayed {
  private Delayed() {}

  /** Returns a task that runs {@code body}. */
  public static <R> Task<R> delayed(SerializableCallable<R> body) {
    return new Task<>(body, new Object[0]);
  }

  /** Returns a task that applies {@code f} to {@code a}. */
  public static <A, R> Task<R> delayed(SerializableFunction<A, R> f, @Nullable A a) {
    return new Task<>(f, a);
  }

  /** Returns a task that applies {@code f} to {@code a} and {@code b}. */
  public static <A, B, R> Task<R> delayed(
      SerializableBiFunction<A, B, R> f, @Nullable A a, @Nullable B b) {
    return new Task<>(f, new @Nullable Object[] {a, b});
  }

  /** Returns a task that applies {@code f} to three arguments. */
  public static <A, B, C, R> Task<R> delayed(
      SerializableFunction3<A, B, C, R> f, @Nullable A a, @Nullable B b, @Nullable C c) {
    return new Task<>(f, new @Nullable Object[] {a, b, c});
  }

  /** Returns a task that applies {@code f} to four arguments. */
  public static <A, B, C, D, R> Task<R> delayed(
      SerializableFunction4<A, B, C, D, R> f,
      @Nullable A a,
      @Nullable B b,
      @Nullable C c,
      @Nullable D d) {
    return new Task<>(f, new @Nullable Object[] {a, b, c, d});
  }

  /** Returns {@code f} waiting for its argument: {@code delayed(f).apply(a)}. */
  public static <A, R> Function1<A, R> delayed(SerializableFunction<A, R> f) {
    Objects.requireNonNull(f, "function");
    return a -> new Task<>(f, a);
  }

  /** Returns {@code f} waiting for its arguments: {@code delayed(f).apply(a, b)}. */
  public static <A, B, R> Function2<A, B, R> delayed(SerializableBiFunction<A, B, R> f) {
    return (a, b) -> new Task<>(f, new @Nullable Object[] {a, b});
  }

  /** Returns {@code f} waiting for its arguments: {@code delayed(f).apply(a, b, c)}. */
  public static <A, B, C, R> Function3<A, B, C, R> delayed(SerializableFunction3<A, B, C, R> f) {
    return (a, b, c) -> new Task<>(f, new @Nullable Object[] {a, b, c});
  }

  /** Returns {@code f} waiting for its arguments: {@code delayed(f).apply(a, b, c, d)}. */
  public static <A, B, C, D, R> Function4<A, B, C, D, R> delayed(
      SerializableFunction4<A, B, C, D, R> f) {
    return (a, b, c, d) -> new Task<>(f, new @Nullable Object[] {a, b, c, d});
  }

  /** A delayed function of one argument. */
  @FunctionalInterface
  public interface Function1<A, R> {
    /** Returns the task that applies the function to {@code a}. */
    Task<R> apply(@Nullable A a);
  }

  /** A delayed function of two arguments. */
  @FunctionalInterface
  public interface Function2<A, B, R> {
    /** Returns the task that applies the function to the arguments. */
    Task<R> apply(@Nullable A a, @Nullable B b);
  }

  /** A delayed function of three arguments. */
  @FunctionalInterface
  public interface Function3<A, B, C, R> {
    /** Returns the task that applies the function to the arguments. */
    Task<R> apply(@Nullable A a, @Nullable B b, @Nullable C c);
  }

  /** A delayed function of four arguments. */
  @FunctionalInterface
  public interface Function4<A, B, C, D, R> {
    /** Returns the task that applies the function to the arguments. */
    Task<R> apply(@Nullable A a, @Nullable B b, @Nullable C c, @Nullable D d);
  }
}
