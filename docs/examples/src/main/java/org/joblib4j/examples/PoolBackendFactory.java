package org.joblib4j.examples;

// snippet:backend
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.joblib4j.Joblib;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskBatch;

/** A backend named {@code pool}: batches run on a fixed pool of daemon threads. */
public final class PoolBackendFactory implements BackendFactory {
  @Override
  public String name() {
    return "pool";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.SHARED_MEMORY, Capability.TIMEOUT, Capability.CANCELLATION);
  }

  @Override
  public ParallelBackend create(BackendOptions options) {
    return new PoolBackend();
  }

  private static final class PoolBackend implements ParallelBackend {
    private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
    private ExecutorService pool = newPool(1);
    private int size = 1;

    @Override
    public int effectiveNJobs(int nJobs) {
      return nJobs > 0 ? nJobs : Math.max(1, Joblib.cpuCount() + 1 + nJobs);
    }

    @Override
    public void startCall(CallInfo call) {
      if (call.nWorkers() != size) { // one thread per worker the call asks for
        pool.shutdown();
        size = call.nWorkers();
        pool = newPool(size);
      }
    }

    @Override
    public CompletableFuture<BatchResult> submit(TaskBatch batch) {
      CompletableFuture<BatchResult> result = new CompletableFuture<>();
      Future<?> future = pool.submit(() -> result.complete(batch.run()));
      running.add(future);
      result.whenComplete((r, t) -> running.remove(future));
      return result;
    }

    @Override
    public void cancelAll() {
      running.forEach(f -> f.cancel(true)); // interrupts running batches, drops queued ones
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }

    private static ExecutorService newPool(int n) {
      return Executors.newFixedThreadPool(n, r -> {
        Thread t = new Thread(r, "pool-backend");
        t.setDaemon(true);
        return t;
      });
    }
  }
}
// end:backend
