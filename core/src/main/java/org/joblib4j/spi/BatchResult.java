package org.joblib4j.spi;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a {@link TaskBatch}: every task's result in order, or the first task's failure.
 * This class is immutable.
 */
public final class BatchResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private final @Nullable Object[] values;
  private final @Nullable Throwable failure;
  private final int failedOffset;
  private final long runNanos;

  private BatchResult(
      @Nullable Object[] values, @Nullable Throwable failure, int failedOffset, long runNanos) {
    this.values = values;
    this.failure = failure;
    this.failedOffset = failedOffset;
    this.runNanos = runNanos;
  }

  /** Returns a successful outcome with one value per task, in task order. */
  public static BatchResult success(@Nullable Object[] values) {
    return new BatchResult(values.clone(), null, -1, -1);
  }

  /**
   * Returns a successful outcome with one value per task, in task order, whose tasks ran for {@code
   * runNanos} where they ran (as {@link TaskBatch#run} measures it); -1 when unknown.
   *
   * @since 0.2
   */
  public static BatchResult success(@Nullable Object[] values, long runNanos) {
    return new BatchResult(values.clone(), null, -1, Math.max(-1, runNanos));
  }

  static BatchResult wrap(@Nullable Object[] values, long runNanos) {
    return new BatchResult(values, null, -1, runNanos);
  }

  /** Returns a successful outcome with one value per task, in task order. */
  public static BatchResult success(List<?> values) {
    return new BatchResult(values.toArray(), null, -1, -1);
  }

  /** Returns the outcome of a batch whose task at {@code offset} threw {@code failure}. */
  public static BatchResult failure(int offset, Throwable failure) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0: " + offset);
    }
    return new BatchResult(new Object[0], Objects.requireNonNull(failure), offset, -1);
  }

  /**
   * Returns how long the batch's tasks ran where they ran, in nanoseconds, without the time spent
   * queued, shipped or decoded; -1 when the backend does not say. The auto-batcher sizes the first
   * batches of a call by it.
   *
   * @since 0.2
   */
  public long runNanos() {
    return runNanos;
  }

  /** Returns whether every task succeeded. */
  public boolean isSuccess() {
    return failure == null;
  }

  /** Returns the results in task order; empty for a failure. */
  public List<@Nullable Object> values() {
    return Collections.unmodifiableList(Arrays.asList(values));
  }

  /** Returns the exception of the failed task, or null for a success. */
  public @Nullable Throwable failure() {
    return failure;
  }

  /** Returns the offset of the failed task within the batch, or -1 for a success. */
  public int failedOffset() {
    return failedOffset;
  }
}
