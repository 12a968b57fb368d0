package org.joblib4j.spi;

import java.io.Serializable;

/**
 * Where a {@code Parallel} call made inside a task runs when it names no backend: joblib's nested
 * backend, which keeps nested calls from oversubscribing the machine.
 *
 * @param backend the backend name for inner calls, such as {@code "threading"}
 * @param nJobs the number of jobs inner calls get when they set none
 * @param level the nesting level of inner calls: 1 inside a top-level call's task
 */
public record NestedConfig(String backend, int nJobs, int level) implements Serializable {
  /** Validates the config. */
  public NestedConfig {
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs must not be 0");
    }
    if (level < 1) {
      throw new IllegalArgumentException("level must be >= 1: " + level);
    }
  }

  /** Inner calls run sequentially in the task's thread, at {@code level}. */
  public static NestedConfig sequential(int level) {
    return new NestedConfig("sequential", 1, level);
  }
}
