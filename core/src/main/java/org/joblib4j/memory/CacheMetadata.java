package org.joblib4j.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code metadata.json} records about one cached result; the argument of a {@link
 * CacheValidation}.
 *
 * @param duration how long computing and storing the result took
 * @param time when the result was stored
 * @param inputArgs a short description of each argument, by name ({@code arg0}, {@code arg1}, ...,
 *     and {@code captured0}, ... for values the function captured)
 * @param size the size of the stored output, in bytes
 * @param lastAccess when the entry was written; reading it later updates the output file's access
 *     time, which {@link Memory#reduceSize} uses
 */
public record CacheMetadata(
    Duration duration, Instant time, Map<String, String> inputArgs, long size, Instant lastAccess) {
  /** Validates and copies the components. */
  public CacheMetadata {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(time, "time");
    inputArgs = Map.copyOf(inputArgs);
    Objects.requireNonNull(lastAccess, "lastAccess");
  }
}
