package org.joblib4j;

/**
 * Receives the progress of {@link Parallel} calls, for programs that draw their own progress bar.
 *
 * <p>Called on the thread that consumes the call's results, after each completed batch. A
 * listener that throws is logged and otherwise ignored: it never fails the call.
 */
public interface ProgressListener {
  /** Called once when a call starts, before any task runs. */
  default void onStart(Progress progress) {}

  /** Called after each completed batch of tasks. */
  default void onProgress(Progress progress) {}

  /** Called once when every task of a call has completed. Not called for a failed call. */
  default void onFinish(Progress progress) {}

  /**
   * A snapshot of a call's progress.
   *
   * @param call the call, as {@code Parallel(n_jobs=2)}
   * @param completedTasks tasks finished so far
   * @param dispatchedTasks tasks handed to the backend so far
   * @param totalTasks the number of tasks when the input's size is known, else -1
   * @param elapsedNanos time since the call started
   * @param inputExhausted whether every task has been read from the input
   */
  record Progress(
      String call,
      long completedTasks,
      long dispatchedTasks,
      long totalTasks,
      long elapsedNanos,
      boolean inputExhausted) {}
}
