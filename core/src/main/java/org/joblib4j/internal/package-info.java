/**
 * The dispatcher shared by every backend: option resolution, the backend registry, pre-dispatch,
 * auto-batching, result ordering, cancellation and progress lines. Not API: classes outside core
 * must not import this package.
 */
@NullMarked
package org.joblib4j.internal;

import org.jspecify.annotations.NullMarked;
