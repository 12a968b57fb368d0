package org.joblib4j;

/**
 * Thrown by a {@link Parallel} call when a task threw: the call was ended, the remaining tasks
 * cancelled, and {@link #getCause()} is the task's original exception (or a {@link
 * RemoteTaskException} when its class cannot be loaded here).
 *
 * <p>The message names the task's index in the input, the function and its shortened arguments,
 * and the backend.
 */
public class TaskFailedException extends JoblibException {
  private static final long serialVersionUID = 1L;

  private final long taskIndex;
  private final String task;
  private final String backend;

  /** Creates the exception for the task at {@code taskIndex}, described by {@code task}. */
  public TaskFailedException(long taskIndex, String task, String backend, Throwable cause) {
    super(
        String.format(
            java.util.Locale.ROOT,
            "Task %d (%s) failed on backend %s: %s",
            taskIndex,
            task,
            backend,
            cause),
        cause);
    this.taskIndex = taskIndex;
    this.task = task;
    this.backend = backend;
  }

  /** Returns the index of the failed task in the input, counting from 0. */
  public long taskIndex() {
    return taskIndex;
  }

  /** Returns the description of the failed call, such as {@code MyMath.square([1.0, ...])}. */
  public String task() {
    return task;
  }

  /** Returns the name of the backend the task ran on. */
  public String backend() {
    return backend;
  }
}
