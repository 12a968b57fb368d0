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
 *
 * A backend may ask to start larger than one task (an input of known size on threads or Spark,
 * where growing from one would cost a round trip per doubling). Those first batches would hold a
 * slow task's batch-mates behind it, and a failing task behind slow ones. So the call starts with
 * one task per batch (probes) all the same, and the first probe to complete decides: with t the
 * time its task ran where it ran (without queueing, shipping and the backend's start-up, when the
 * backend says; else the whole round trip), the size becomes min / t, at most the size the
 * backend asked for and at least one. Tiny tasks so reach the backend's size after one round
 * trip; tasks of a second stay one per batch, so they spread over the workers as they come.
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
  private int probeCeiling;
  private double secondsPerTask = Double.NaN;

  AutoBatcher(
      Duration min, Duration max, int initialBatchSize, int verbose, ProgressReporter reporter) {
    this.effectiveBatchSize = 1;
    this.probeCeiling = initialBatchSize > 1 ? initialBatchSize : 0;
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

  /** Returns whether the first batches are probes whose completion sets the size at once. */
  boolean probing() {
    return probeCeiling > 0;
  }

  @Override
  public void batchCompleted(int size, long nanos, long runNanos) {
    secondsPerTask = (runNanos >= 0 ? runNanos : nanos) / 1e9 / Math.max(1, size);
    if (probeCeiling > 0) {
      double perTask = (runNanos >= 0 ? runNanos : nanos) / 1e9 / Math.max(1, size);
      double fits = perTask > 0 ? minSeconds / perTask : probeCeiling;
      effectiveBatchSize = (int) Math.max(1, Math.min(probeCeiling, fits));
      probeCeiling = 0;
      smoothedSeconds = 0;
      return;
    }
    if (size != effectiveBatchSize) {
      return;
    }
    double seconds = nanos / 1e9;
    smoothedSeconds = smoothedSeconds == 0 ? seconds : 0.8 * smoothedSeconds + 0.2 * seconds;
  }

  @Override
  public double secondsPerTask() {
    return secondsPerTask;
  }

  int effectiveBatchSize() {
    return effectiveBatchSize;
  }

  double smoothedSeconds() {
    return smoothedSeconds;
  }
}
