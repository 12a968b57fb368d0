/**
 * What backend authors implement: a {@link org.joblib4j.spi.BackendFactory} found by {@link
 * java.util.ServiceLoader} makes a {@link org.joblib4j.spi.ParallelBackend} that runs {@link
 * org.joblib4j.spi.TaskBatch}es.
 *
 * <p>The dispatcher in core owns batching, pre-dispatch, ordering, errors and timeouts; a backend
 * only runs batches and cancels them. A useful backend over an existing {@code ExecutorService}
 * fits in well under a hundred lines.
 */
@NullMarked
package org.joblib4j.spi;

import org.jspecify.annotations.NullMarked;
