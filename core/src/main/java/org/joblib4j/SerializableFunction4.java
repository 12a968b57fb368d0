package org.joblib4j;

import java.io.Serializable;

/**
 * A serializable function of four arguments.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 * @param <D> the fourth argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction4<A, B, C, D, R> extends Serializable {
  /** Applies this function to the given arguments. */
  R apply(A a, B b, C c, D d);
}
