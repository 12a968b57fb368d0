package org.joblib4j.internal;

import java.time.Duration;

/**
 * joblib's auto-batching: grows batches of tiny tasks until one lasts about the target duration,
 * and shrinks batches of long ones.
 *
 * <pre>
 * Design note. The dispatcher reports every completed batch (its size and the time from dispatch
 * to completion, queueing included, as joblib measures it). Only batches of the current size
 * count: the first such sample sets the smoothed duration, later ones move it by an exponential
 * moving average (0.8 old, 0.2 new). When the smoothed duration is under the minimum (0.2 s by
 * default) the size grows towards min / smoothed, at most doubling per step; over the maximum
 * (2 s) a size of 2 or more shrinks at once to 2 * (size * min / smoothed). Every change resets
 * the average, so the next decision sees only batches of the new size.
 * </pre>
 *
 * <p>Confined to the dispatcher thread; not thread-safe.
 */
final class AutoBatcher implements BatchSizer {
  private final double minSeconds;
  private final double maxSeconds;
  private final int verbose;
  private final ProgressReporter reporter;
  private int effectiveBatchSize;
  private double smoothedSeconds;

  AutoBatcher(
      Duration min, Duration max, int initialBatchSize, int verbose, ProgressReporter reporter) {
    this.effectiveBatchSize = Math.max(1, initialBatchSize);
    this.minSeconds = min.toNanos() / 1e9;
    this.maxSeconds = max.toNanos() / 1e9;
    this.verbose = verbose;
    this.reporter = reporter;
  }

  @Override
  public int batchSize() {
    int old = effectiveBatchSize;
    double smoothed = smoothedSeconds;
    int size = old;
    if (smoothed > 0 && smoothed < minSeconds) {
      // Grow, but at most double: the first batches may be dominated by warm-up.
      long ideal = (long) (old * minSeconds / smoothed) * 2;
      size = (int) Math.max(Math.min(2L * old, ideal), 1);
      if (verbose >= 10 && size != old) {
        reporter.line(
            Checks.format(
                "Batch computation too fast (%ss.) Setting batch_size=%d.", smoothed, size));
      }
    } else if (smoothed > maxSeconds && old >= 2) {
      size = (int) Math.max(2 * (long) (old * minSeconds / smoothed), 1);
      if (verbose >= 10) {
        reporter.line(
            Checks.format(
                "Batch computation too slow (%ss.) Setting batch_size=%d.", smoothed, size));
      }
    }
    if (size != old) {
      effectiveBatchSize = size;
      smoothedSeconds = 0;
    }
    return size;
  }

  @Override
  public void batchCompleted(int size, long nanos) {
    if (size != effectiveBatchSize) {
      return;
    }
    double seconds = nanos / 1e9;
    smoothedSeconds = smoothedSeconds == 0 ? seconds : 0.8 * smoothedSeconds + 0.2 * seconds;
  }

  int effectiveBatchSize() {
    return effectiveBatchSize;
  }

  double smoothedSeconds() {
    return smoothedSeconds;
  }
}
