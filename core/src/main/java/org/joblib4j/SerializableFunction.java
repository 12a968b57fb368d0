package org.joblib4j;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that is also {@link Serializable}, so a lambda or method reference written
 * for it can be sent to a worker JVM or a Spark executor.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction<A, R> extends Function<A, R>, Serializable {}
