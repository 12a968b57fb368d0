/**
 * JMH benchmarks and the side-by-side runner that measures joblib4j against its peers: Python's
 * joblib, a plain {@code ExecutorService}, a parallel stream, hand-written Spark code and {@code
 * ObjectOutputStream}.
 */
@NullMarked
package org.joblib4j.bench;

import org.jspecify.annotations.NullMarked;
