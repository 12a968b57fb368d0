package org.joblib4j.local;

import java.util.concurrent.CompletableFuture;
import org.joblib4j.spi.Serializer;
import org.joblib4j.spi.BatchResult;

/**
 * One serialized batch on its way to a worker JVM, and the future its outcome completes.
 *
 * @param owner the backend that submitted it, so that its cancelAll finds it
 * @param payload the batch frame's bytes after the type, {@code length} of them
 * @param serializer the serializer the batch was written with, for the results
 * @param loader the class loader results are read with: the submitting thread's context loader
 * @param callName the call's name, for errors
 */
record Job(
    Object owner,
    byte[] payload,
    int length,
    Serializer serializer,
    ClassLoader loader,
    String callName,
    CompletableFuture<BatchResult> future) {}
