package org.joblib4j.spi;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.joblib4j.internal.TaskList;

/**
 * Consecutive tasks of one call, submitted to a backend as one unit and run in order by one worker.
 * Serializable, so process and cluster backends ship it as it is.
 *
 * @param tasks the tasks, in input order
 * @param firstIndex the index of the first task in the call's input
 * @param nested where {@code Parallel} calls made inside these tasks run
 */
public record TaskBatch(List<Task<?>> tasks, long firstIndex, NestedConfig nested)
    implements Serializable {

  /** Validates the batch. */
  public TaskBatch {
    tasks = tasks instanceof TaskList ? tasks : List.copyOf(tasks);
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("A batch holds at least one task");
    }
    Objects.requireNonNull(nested, "nested");
  }

  /** Returns the number of tasks. */
  public int size() {
    return tasks.size();
  }

  /**
   * Returns whether {@code thrown}, thrown by a task, is that task's failure rather than a broken
   * JVM: every exception and error is, {@link StackOverflowError} and {@link OutOfMemoryError}
   * included (the stack unwinds and the heap is freed as the task ends); other {@link
   * VirtualMachineError}s ({@link InternalError}, {@link UnknownError}) are not.
   */
  public static boolean isTaskFailure(Throwable thrown) {
    return !(thrown instanceof VirtualMachineError)
        || thrown instanceof StackOverflowError
        || thrown instanceof OutOfMemoryError;
  }

  /**
   * Runs the tasks in order in the calling thread, with {@link #nested} in effect for calls made
   * inside them, and returns their results; stops at the first task that throws and returns that
   * failure. An interrupt stops the batch between tasks.
   */
  public BatchResult run() {
    Object[] results = new Object[tasks.size()];
    long start = System.nanoTime();
    try (ParallelConfig.Scope ignored = ParallelConfig.enterNested(nested)) {
      for (int i = 0; i < results.length; i++) {
        if (i > 0 && Thread.currentThread().isInterrupted()) {
          return BatchResult.failure(i, new InterruptedException("Batch cancelled"));
        }
        try {
          results[i] = tasks.get(i).call();
        } catch (Throwable t) {
          if (!isTaskFailure(t)) {
            throw (VirtualMachineError) t;
          }
          return BatchResult.failure(i, t);
        }
      }
    }
    return BatchResult.wrap(results, System.nanoTime() - start);
  }
}
