package org.joblib4j;

import java.io.Serializable;

/**
 * A serializable function of three arguments.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction3<A, B, C, R> extends Serializable {
  /** Applies this function to the given arguments. */
  R apply(A a, B b, C c);
}
