package org.joblib4j;

import java.io.Serializable;

/** A {@link Runnable} that is also {@link Serializable}. */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {}
