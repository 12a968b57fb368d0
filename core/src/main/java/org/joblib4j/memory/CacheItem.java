package org.joblib4j.memory;

import java.time.Instant;
import java.util.Objects;

/**
 * One cached result in a store: its folder, its size on disk, and when it was last used.
 *
 * @param path the item's folder relative to the store root, {@code <function id>/<argument hash>}
 * @param size the total size of the item's files, in bytes
 * @param lastAccess when the item's output was last read or written
 */
public record CacheItem(String path, long size, Instant lastAccess) {
  /** Validates the components. */
  public CacheItem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(lastAccess, "lastAccess");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
  }
}
