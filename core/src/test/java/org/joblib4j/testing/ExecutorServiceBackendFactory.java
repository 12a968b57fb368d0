package org.joblib4j.testing;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskBatch;

/**
 * A complete backend over a plain {@link ExecutorService}, the SPI's proof: discovered through
 * this test module's {@code META-INF/services}, it passes the backend contract.
 */
public class ExecutorServiceBackendFactory implements BackendFactory {
  /** Threads of this backend are named with this prefix, so tests can see where tasks ran. */
  public static final String THREAD_PREFIX = "executor-backend-";

  private static final AtomicInteger THREADS = new AtomicInteger();

  @Override
  public String name() {
    return "executor";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.SHARED_MEMORY, Capability.TIMEOUT, Capability.CANCELLATION);
  }

  @Override
  public ParallelBackend create(BackendOptions options) {
    return new ParallelBackend() {
      private ExecutorService pool = newPool(1);
      private int size = 1;

      @Override
      public int effectiveNJobs(int nJobs) {
        return nJobs > 0 ? nJobs : Math.max(Runtime.getRuntime().availableProcessors() + 1 + nJobs, 1);
      }

      @Override
      public void startCall(CallInfo call) {
        if (call.nWorkers() != size) {
          pool.shutdown();
          size = call.nWorkers();
          pool = newPool(size);
        }
      }

      @Override
      public CompletableFuture<BatchResult> submit(TaskBatch batch) {
        CompletableFuture<BatchResult> result = new CompletableFuture<>();
        Future<?> running = pool.submit(() -> result.complete(batch.run()));
        result.whenComplete((r, t) -> running.cancel(true));
        return result;
      }

      @Override
      public void cancelAll() {
        pool.shutdownNow();
        pool = newPool(size);
      }

      @Override
      public void close() {
        pool.shutdownNow();
      }
    };
  }

  private static ExecutorService newPool(int n) {
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, THREAD_PREFIX + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return Executors.newFixedThreadPool(n, threads);
  }
}
