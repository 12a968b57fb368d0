package org.joblib4j;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link Parallel} call when a worker process died while it ran a task (killed, ran
 * out of memory, or called {@code System.exit}). The message names the worker, its exit code or
 * signal and the likely causes. The backend replaces the worker, so the next call works.
 */
public class WorkerCrashedException extends JoblibException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /** Creates the exception for a worker that exited with {@code exitCode}. */
  public WorkerCrashedException(String message, int exitCode, @Nullable Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /**
   * Returns the worker's exit code as the operating system reports it: {@code 128 + n} for a
   * worker ended by signal {@code n} (137 for SIGKILL).
   */
  public int exitCode() {
    return exitCode;
  }
}
