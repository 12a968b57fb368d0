package org.joblib4j.memory;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.joblib4j.internal.Checks;

/**
 * Decides whether a cached result may still be served, from its {@link CacheMetadata} (joblib's
 * {@code cache_validation_callback}). A result found invalid is recomputed and replaced.
 *
 * <p>Called on the thread that calls the cached function, before the result is read. A validation
 * that throws is logged and counts as invalid.
 */
@FunctionalInterface
public interface CacheValidation extends Serializable {
  /** Returns whether the result described by {@code metadata} may be served. */
  boolean isValid(CacheMetadata metadata);

  /**
   * Returns a validation that accepts results stored less than {@code age} ago (joblib's {@code
   * expires_after}).
   *
   * @throws IllegalArgumentException if {@code age} is negative
   */
  static CacheValidation expiresAfter(Duration age) {
    Objects.requireNonNull(age, "age");
    Checks.requireArgument(
        !age.isNegative(), "age must not be negative, got %s: use Duration.ZERO or more", age);
    return metadata -> Instant.now().isBefore(metadata.time().plus(age));
  }
}
