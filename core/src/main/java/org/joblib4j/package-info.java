/**
 * Parallel for-loops, disk caching of function results, and fast persistence, after Python's
 * joblib.
 *
 * <p>Start with {@link org.joblib4j.Parallel} and {@link org.joblib4j.Delayed#delayed}; redirect
 * library code with {@link org.joblib4j.ParallelConfig}; persist with {@link org.joblib4j.Joblib}.
 */
@NullMarked
package org.joblib4j;

import org.jspecify.annotations.NullMarked;
