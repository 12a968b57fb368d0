package org.joblib4j.local;

import java.util.EnumSet;
import java.util.Set;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.ParallelBackend;

/**
 * The {@code threading} backend, the default: batches run on platform threads of this JVM, which
 * share the caller's heap. Threads come from one process-wide pool and go back to it after each
 * call, so a call starts no thread when the pool has idle ones. This class is thread-safe.
 */
public final class ThreadingBackendFactory implements BackendFactory {
  /** Creates the factory; does no work. */
  public ThreadingBackendFactory() {}

  @Override
  public String name() {
    return "threading";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.SHARED_MEMORY, Capability.TIMEOUT, Capability.CANCELLATION);
  }

  @Override
  public ParallelBackend create(BackendOptions options) {
    return new ThreadingBackend();
  }
}
