package org.joblib4j.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.joblib4j.JoblibException;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs a call in the consumer's thread, one task each time a result is asked for: joblib's
 * sequential path for {@code nJobs == 1}. No pool, no batching, no serialization.
 */
public final class SequentialRun<R> implements ResultIterator<R> {
  private final Iterator<? extends Task<?>> source;
  private final ProgressReporter reporter;
  private final String backendName;
  private final Runnable onEnd;
  private long index;
  private boolean ended;

  /** Prepares the call; nothing runs before the first result is asked for. */
  public SequentialRun(
      Iterator<? extends Task<?>> source,
      String callName,
      String backendName,
      int verbose,
      org.joblib4j.@Nullable ProgressListener listener,
      long totalTasks,
      Runnable onEnd) {
    this.source = source;
    this.backendName = backendName;
    this.onEnd = onEnd;
    this.reporter = new ProgressReporter(callName, verbose, listener, totalTasks);
    reporter.start(0);
  }

  @Override
  public boolean hasNext() {
    if (ended) {
      return false;
    }
    boolean more;
    try {
      more = source.hasNext();
    } catch (RuntimeException | Error e) {
      end();
      throw e;
    }
    if (!more) {
      reporter.finish(index);
      end();
    }
    return more;
  }

  @Override
  @SuppressWarnings("unchecked")
  public R next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (Thread.currentThread().isInterrupted()) {
      // joblib4j ends a call at the next task boundary when its caller is interrupted, and the
      // flag stays set for the caller to see, as the parallel path does.
      end();
      throw new JoblibException(
          Checks.format(
              "Interrupted before task %d on backend %s; the call was cancelled", index, backendName));
    }
    Task<?> task = source.next();
    if (task == null) {
      end();
      throw new NullPointerException(
          Checks.format(
              "The task input yielded null at index %d: every element must be a Task made by"
                  + " Delayed.delayed",
              index));
    }
    Object result;
    try {
      result = task.call();
    } catch (Throwable e) {
      end();
      if (!TaskBatch.isTaskFailure(e)) {
        throw (VirtualMachineError) e;
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new TaskFailedException(index, task.describe(), backendName, e);
    }
    index++;
    reporter.progress(index, index, index, false, 1);
    return (R) result;
  }

  @Override
  public void close() {
    end();
  }

  private void end() {
    if (!ended) {
      ended = true;
      onEnd.run();
    }
  }
}
