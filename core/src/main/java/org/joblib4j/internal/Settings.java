package org.joblib4j.internal;

import java.nio.file.Path;
import java.time.Duration;
import org.joblib4j.MmapMode;
import org.joblib4j.Prefer;
import org.joblib4j.ProgressListener;
import org.joblib4j.Require;
import org.jspecify.annotations.Nullable;

/**
 * The options of a {@code Parallel} or a scope, each null where that level does not set it.
 *
 * @param backend the backend name
 * @param nJobs the number of jobs, never 0
 * @param prefer the soft backend hint
 * @param require the hard backend constraint
 * @param verbose joblib's verbosity
 * @param timeout the per-task wait limit
 * @param preDispatch joblib's pre-dispatch expression, such as {@code "2*n_jobs"}
 * @param batchSize a positive batch size, or 0 for auto
 * @param tempFolder the folder for large arguments
 * @param maxNbytes the large-argument threshold in bytes, -1 for none
 * @param mmapMode how large arguments are mapped in workers
 * @param progressListener who hears of progress
 * @param maxInFlight the bytes of pending tasks and unread results a call may hold, estimated
 */
public record Settings(
    @Nullable String backend,
    @Nullable Integer nJobs,
    @Nullable Prefer prefer,
    @Nullable Require require,
    @Nullable Integer verbose,
    @Nullable Duration timeout,
    @Nullable String preDispatch,
    @Nullable Integer batchSize,
    @Nullable Path tempFolder,
    @Nullable Long maxNbytes,
    @Nullable MmapMode mmapMode,
    @Nullable ProgressListener progressListener,
    @Nullable Long maxInFlight) {

  /** Nothing set. */
  public static final Settings EMPTY =
      new Settings(null, null, null, null, null, null, null, null, null, null, null, null, null);

  /** Returns these settings, with each unset field taken from {@code fallback}. */
  public Settings orElse(Settings fallback) {
    return new Settings(
        backend != null ? backend : fallback.backend,
        nJobs != null ? nJobs : fallback.nJobs,
        prefer != null ? prefer : fallback.prefer,
        require != null ? require : fallback.require,
        verbose != null ? verbose : fallback.verbose,
        timeout != null ? timeout : fallback.timeout,
        preDispatch != null ? preDispatch : fallback.preDispatch,
        batchSize != null ? batchSize : fallback.batchSize,
        tempFolder != null ? tempFolder : fallback.tempFolder,
        maxNbytes != null ? maxNbytes : fallback.maxNbytes,
        mmapMode != null ? mmapMode : fallback.mmapMode,
        progressListener != null ? progressListener : fallback.progressListener,
        maxInFlight != null ? maxInFlight : fallback.maxInFlight);
  }

  public Settings withBackend(@Nullable String v) {
    return new Settings(v, nJobs, prefer, require, verbose, timeout, preDispatch, batchSize,
        tempFolder, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withNJobs(@Nullable Integer v) {
    if (v != null) {
      Checks.checkNJobs(v);
    }
    return new Settings(backend, v, prefer, require, verbose, timeout, preDispatch, batchSize,
        tempFolder, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withPrefer(@Nullable Prefer v) {
    return new Settings(backend, nJobs, v, require, verbose, timeout, preDispatch, batchSize,
        tempFolder, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withRequire(@Nullable Require v) {
    return new Settings(backend, nJobs, prefer, v, verbose, timeout, preDispatch, batchSize,
        tempFolder, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withVerbose(@Nullable Integer v) {
    Checks.requireArgument(v == null || v >= 0, "verbose must be >= 0, got %s", v);
    return new Settings(backend, nJobs, prefer, require, v, timeout, preDispatch, batchSize,
        tempFolder, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withTimeout(@Nullable Duration v) {
    Checks.requireArgument(
        v == null || (!v.isNegative() && !v.isZero()), "timeout must be positive, got %s", v);
    return new Settings(backend, nJobs, prefer, require, verbose, v, preDispatch, batchSize,
        tempFolder, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withPreDispatch(@Nullable String v) {
    if (v != null) {
      PreDispatch.validate(v);
    }
    return new Settings(backend, nJobs, prefer, require, verbose, timeout, v, batchSize,
        tempFolder, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withBatchSize(@Nullable Integer v) {
    Checks.requireArgument(
        v == null || v >= 0, "batchSize must be \"auto\" or a positive integer, got: %s", v);
    return new Settings(backend, nJobs, prefer, require, verbose, timeout, preDispatch, v,
        tempFolder, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withTempFolder(@Nullable Path v) {
    return new Settings(backend, nJobs, prefer, require, verbose, timeout, preDispatch, batchSize,
        v, maxNbytes, mmapMode, progressListener, maxInFlight);
  }

  public Settings withMaxNbytes(@Nullable Long v) {
    Checks.requireArgument(
        v == null || v >= -1, "maxNbytes must be >= 0 (or null to disable), got %s", v);
    return new Settings(backend, nJobs, prefer, require, verbose, timeout, preDispatch, batchSize,
        tempFolder, v, mmapMode, progressListener, maxInFlight);
  }

  public Settings withMmapMode(@Nullable MmapMode v) {
    return new Settings(backend, nJobs, prefer, require, verbose, timeout, preDispatch, batchSize,
        tempFolder, maxNbytes, v, progressListener, maxInFlight);
  }

  public Settings withProgressListener(@Nullable ProgressListener v) {
    return new Settings(backend, nJobs, prefer, require, verbose, timeout, preDispatch, batchSize,
        tempFolder, maxNbytes, mmapMode, v, maxInFlight);
  }

  public Settings withMaxInFlight(@Nullable Long v) {
    Checks.requireArgument(
        v == null || v > 0, "maxInFlight must be a positive number of bytes, got %s", v);
    return new Settings(backend, nJobs, prefer, require, verbose, timeout, preDispatch, batchSize,
        tempFolder, maxNbytes, mmapMode, progressListener, v);
  }
}
