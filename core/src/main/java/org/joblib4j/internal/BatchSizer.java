package org.joblib4j.internal;

/** Decides how many tasks go in the next batch. Confined to the dispatcher thread. */
interface BatchSizer {
  /** Returns the size of the next batches. */
  int batchSize();

  /**
   * Records that a batch of {@code size} tasks took {@code nanos} from dispatch to completion, of
   * which its tasks ran {@code runNanos} where they ran (-1 when the backend does not say).
   */
  void batchCompleted(int size, long nanos, long runNanos);

  /** A sizer that never changes. */
  /**
   * Returns how long a task of the last completed batch ran, in seconds, or NaN before the first
   * completion or when the sizer does not measure.
   */
  default double secondsPerTask() {
    return Double.NaN;
  }

  static BatchSizer fixed(int size) {
    return new BatchSizer() {
      @Override
      public int batchSize() {
        return size;
      }

      @Override
      public void batchCompleted(int s, long nanos, long runNanos) {}
    };
  }
}
