package org.joblib4j;

/** How large arrays are memory-mapped when loaded from disk (joblib's {@code mmap_mode}). */
public enum MmapMode {
  /** Not mapped: read into the heap. */
  NONE,
  /** Mapped read-only (joblib's {@code "r"}). */
  READ_ONLY,
  /** Mapped copy-on-write: changes stay in memory and never reach the file (joblib's {@code "c"}). */
  COPY_ON_WRITE
}
