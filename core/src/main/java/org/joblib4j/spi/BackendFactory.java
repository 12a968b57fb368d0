package org.joblib4j.spi;

import java.util.Set;

/**
 * Makes {@link ParallelBackend}s of one kind. Found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.joblib4j.spi.BackendFactory}, or registered with {@link
 * org.joblib4j.ParallelConfig#registerBackend}. This class is thread-safe.
 *
 * <p>Implementations are public, with a public no-argument constructor that does no work: the
 * registry instantiates every factory on the class path to read its {@link #name()}, so a factory
 * must not touch its backend's libraries before {@link #create}.
 *
 * @since 0.1
 */
public interface BackendFactory {
  /** Returns the name programs select this backend by, such as {@code "threading"}. */
  String name();

  /**
   * Returns other names this backend answers to, such as {@code "loky"} for {@code "processes"}.
   */
  default Set<String> aliases() {
    return Set.of();
  }

  /** Returns what backends from this factory support; checked before any task is dispatched. */
  Set<Capability> capabilities();

  /**
   * Returns a new backend for one {@code Parallel} call or session; called on the caller's
   * thread. An exception thrown here fails the call before any task runs.
   */
  ParallelBackend create(BackendOptions options);
}
