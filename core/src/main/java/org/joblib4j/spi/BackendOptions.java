package org.joblib4j.spi;

import java.nio.file.Path;
import java.time.Duration;
import org.joblib4j.MmapMode;
import org.jspecify.annotations.Nullable;

/**
 * The settings a backend is created with, resolved from the {@code Parallel}, the scopes, the
 * system properties and the environment.
 *
 * @param nJobs the requested number of jobs, or null when nothing set it (the backend's default)
 * @param verbose joblib's verbosity level, 0 for silent
 * @param tempFolder where to write large arguments, or null for the system's temporary folder
 * @param maxNbytes arguments larger than this many bytes are sent once per call; -1 disables
 * @param mmapMode how workers map large arguments they read back
 * @param timeout the call's timeout, or null for none
 * @param nestingLevel 0 for a top-level call, 1 for a call inside a task, and so on
 */
public record BackendOptions(
    @Nullable Integer nJobs,
    int verbose,
    @Nullable Path tempFolder,
    long maxNbytes,
    MmapMode mmapMode,
    @Nullable Duration timeout,
    int nestingLevel) {

  /** joblib's default {@code max_nbytes}: 1 MiB. */
  public static final long DEFAULT_MAX_NBYTES = 1L << 20;

  /** Validates the options. */
  public BackendOptions {
    if (nJobs != null && nJobs == 0) {
      throw new IllegalArgumentException("nJobs must not be 0");
    }
    if (maxNbytes < -1) {
      throw new IllegalArgumentException("maxNbytes must be -1 (disabled) or >= 0: " + maxNbytes);
    }
    if (nestingLevel < 0) {
      throw new IllegalArgumentException("nestingLevel must be >= 0: " + nestingLevel);
    }
  }

  /** Returns the defaults: nothing set, silent, 1 MiB threshold, read-only maps, top level. */
  public static BackendOptions defaults() {
    return new BackendOptions(null, 0, null, DEFAULT_MAX_NBYTES, MmapMode.READ_ONLY, null, 0);
  }
}
