package org.joblib4j.internal;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskBatch;

/**
 * The {@code sequential} backend: every call runs in the caller's thread, whatever {@code nJobs}
 * says. Calls made inside its tasks keep the caller's configuration.
 */
public final class SequentialBackendFactory implements BackendFactory {
  /** Creates the factory; does no work. */
  public SequentialBackendFactory() {}

  @Override
  public String name() {
    return "sequential";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.SHARED_MEMORY);
  }

  @Override
  public ParallelBackend create(BackendOptions options) {
    return new SequentialBackend();
  }

  /** Runs batches inline; the dispatcher never submits to it, as it has one worker. */
  static final class SequentialBackend implements ParallelBackend {
    @Override
    public int effectiveNJobs(int nJobs) {
      return 1;
    }

    @Override
    public CompletableFuture<BatchResult> submit(TaskBatch batch) {
      return CompletableFuture.completedFuture(batch.run());
    }

    @Override
    public NestedConfig nested(CallInfo call) {
      return NestedConfig.sequential(call.nestingLevel() + 1);
    }

    @Override
    public void cancelAll() {}

    @Override
    public void close() {}
  }
}
