package org.joblib4j;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that is also {@link Serializable}, so a lambda written for it can be sent to
 * a worker JVM or a Spark executor.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableCallable<R> extends Callable<R>, Serializable {}
