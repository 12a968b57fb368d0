package org.joblib4j;

/**
 * A soft hint for the kind of backend to use when none is named (joblib's {@code prefer}).
 *
 * <p>Ignored when a backend is named by the {@link Parallel}, a scope, a system property or the
 * environment.
 */
public enum Prefer {
  /** Prefer a thread-based backend ({@code threading}). */
  THREADS,
  /** Prefer a process-based backend ({@code processes}). */
  PROCESSES
}
