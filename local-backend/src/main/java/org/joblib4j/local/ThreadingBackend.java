package org.joblib4j.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.Joblib;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs batches on worker loops, one per job, borrowed from a process-wide pool of daemon threads.
 *
 * <pre>
 * Design note. Each backend owns a queue of jobs and starts as many worker loops as its calls
 * ask for; a loop takes a job, runs the batch and completes the job's future. cancelAll empties
 * the queue and interrupts the threads of running jobs. A job's state changes under the job's
 * lock, and an interrupt is sent only while the job is RUNNING, so an interrupt meant for a
 * cancelled job never reaches the next job the same thread takes. Closing the backend sends each
 * loop a stop marker; the threads go back to the shared pool, where idle ones end after a minute.
 * </pre>
 */
final class ThreadingBackend implements ParallelBackend {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService SHARED =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          daemonThreads());

  private static final Job STOP = new Job(null);

  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Set<Job> running = ConcurrentHashMap.newKeySet();
  private int loops;
  private volatile boolean closed;

  @Override
  public int effectiveNJobs(int nJobs) {
    return nJobs > 0 ? nJobs : Math.max(Joblib.cpuCount() + 1 + nJobs, 1);
  }

  /**
   * Starts an input of known size with batches of 1/64 of each worker's share, so that 100,000
   * tiny tasks do not wait for the fifteen round trips that doubling from one would take. Every
   * worker still gets 64 batches or more, so an uneven input still spreads, and the auto-batcher
   * shrinks batches that last longer than two seconds after the first of them.
   */
  @Override
  public int initialBatchSize(long totalTasks, int nWorkers) {
    if (totalTasks <= 0) {
      return 1;
    }
    return (int) Math.max(1, Math.min(1 << 16, totalTasks / (64L * nWorkers)));
  }

  @Override
  public synchronized void startCall(CallInfo call) {
    while (loops < call.nWorkers()) {
      SHARED.execute(this::loop);
      loops++;
    }
  }

  @Override
  public CompletableFuture<BatchResult> submit(TaskBatch batch) {
    Job job = new Job(batch);
    if (closed) {
      job.future.completeExceptionally(new CancellationException("backend closed"));
    } else {
      queue.add(job);
    }
    return job.future;
  }

  @Override
  public void cancelAll() {
    List<Job> queued = new ArrayList<>();
    queue.drainTo(queued);
    for (Job job : queued) {
      if (job == STOP) {
        queue.add(STOP);
      } else {
        job.future.cancel(false);
      }
    }
    for (Job job : running) {
      job.cancel();
    }
  }

  @Override
  public String displayName() {
    return "ThreadingBackend";
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    cancelAll();
    for (int i = 0; i < loops; i++) {
      queue.add(STOP);
    }
  }

  private void loop() {
    try {
      while (true) {
        Job job = queue.take();
        if (job == STOP) {
          return;
        }
        if (!job.start()) {
          continue;
        }
        running.add(job);
        try {
          job.future.complete(job.batch().run());
        } catch (Throwable t) {
          job.future.completeExceptionally(t);
        } finally {
          running.remove(job);
          job.finish();
          Thread.interrupted();
        }
      }
    } catch (InterruptedException e) {
      // The shared pool is shutting down with the JVM.
    }
  }

  private static ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "joblib4j-threading-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A batch and its future; its state changes under its own lock. */
  private static final class Job {
    private final @Nullable TaskBatch batch;
    final CompletableFuture<BatchResult> future = new CompletableFuture<>();
    private @Nullable Thread thread;
    private int state; // 0 queued, 1 running, 2 done or cancelled

    Job(@Nullable TaskBatch batch) {
      this.batch = batch;
    }

    TaskBatch batch() {
      if (batch == null) {
        throw new IllegalStateException("stop marker has no batch");
      }
      return batch;
    }

    synchronized boolean start() {
      if (state != 0 || future.isDone()) {
        state = 2;
        return false;
      }
      state = 1;
      thread = Thread.currentThread();
      return true;
    }

    synchronized void finish() {
      state = 2;
      thread = null;
    }

    synchronized void cancel() {
      future.cancel(false);
      if (state == 1 && thread != null) {
        thread.interrupt();
      }
      state = 2;
    }
  }
}
