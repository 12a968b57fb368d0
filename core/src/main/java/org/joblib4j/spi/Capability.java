package org.joblib4j.spi;

/** What a backend supports, checked before any task is dispatched (joblib's {@code supports_*}). */
public enum Capability {
  /** Tasks run in the caller's heap and may share objects with it. */
  SHARED_MEMORY,
  /** Running tasks can be abandoned when a call's {@code timeout} expires. */
  TIMEOUT,
  /** Running tasks are interrupted or killed by {@link ParallelBackend#cancelAll}. */
  CANCELLATION,
  /** Tasks run in other JVMs, so every task and result is serialized. */
  REMOTE
}
