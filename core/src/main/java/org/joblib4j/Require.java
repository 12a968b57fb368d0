package org.joblib4j;

/** A hard constraint on the backend (joblib's {@code require}). */
public enum Require {
  /**
   * Tasks share the caller's heap: they may mutate objects the caller sees. Forces a thread-based
   * backend even inside a scope that names {@code processes} or {@code spark}.
   */
  SHARED_MEM
}
