package org.joblib4j;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * A {@link Supplier} that is also {@link Serializable}.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableSupplier<R> extends Supplier<R>, Serializable {}
