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
import org.joblib4j.local.worker.SplittableRun;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs batches on worker loops, one per job, borrowed from a process-wide pool of daemon threads.
 *
 * <pre>
 * Design note. Each backend owns a queue of jobs and starts as many worker loops as its calls
 * ask for; a loop takes a job, runs the batch and completes the job's future. A loop that finds
 * the queue empty during a call looks, every few milliseconds, for a running batch whose task has
 * run for 10 ms or more with tasks of its batch waiting behind it, and runs the second half of
 * those (see SplittableRun): a straggler holds back only itself. cancelAll empties the queue and
 * interrupts the threads that run parts of running jobs. A job's state changes under the job's
 * lock, and a run interrupts only the threads inside one of its parts, so an interrupt meant for
 * a cancelled job never reaches the next job the same thread takes. Closing the backend sends each
 * loop a stop marker; the threads go back to the shared pool, where idle ones end after a minute.
 * </pre>
 */
final class ThreadingBackend implements ParallelBackend {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService SHARED =
      new ThreadPoolExecutor(
          0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads());

  /** How often idle loops look for such a task during a call. */
  private static final long STEAL_POLL_MILLIS = 5;

  private final Job stopMarker = new Job(null, null);

  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Set<Job> running = ConcurrentHashMap.newKeySet();
  private int loops;
  private volatile boolean inCall;
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
    inCall = true;
    while (loops < call.nWorkers()) {
      SHARED.execute(this::loop);
      loops++;
    }
  }

  @Override
  public void endCall() {
    inCall = false;
  }

  @Override
  public CompletableFuture<BatchResult> submit(TaskBatch batch) {
    return submit(batch, null);
  }

  @Override
  public CompletableFuture<BatchResult> submit(TaskBatch batch, @Nullable EarlyResults early) {
    Job job = new Job(batch, early);
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
      if (job == stopMarker) {
        queue.add(stopMarker);
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
      queue.add(stopMarker);
    }
  }

  private void loop() {
    try {
      while (true) {
        // During a call an idle loop looks for a stuck batch to help with; between calls it sleeps.
        Job job = inCall ? queue.poll(STEAL_POLL_MILLIS, TimeUnit.MILLISECONDS) : queue.take();
        if (job == null) {
          steal();
          continue;
        }
        if (job == stopMarker) {
          return;
        }
        SplittableRun run = job.start();
        if (run == null) {
          continue;
        }
        running.add(job);
        try {
          run.run();
        } catch (Throwable t) {
          running.remove(job);
          job.future.completeExceptionally(t);
        } finally {
          Thread.interrupted();
        }
      }
    } catch (InterruptedException e) {
      // The shared pool is shutting down with the JVM.
    }
  }

  /** Runs the unstarted end of a running batch held back by a slow task, if there is one. */
  private void steal() {
    for (Job job : running) {
      SplittableRun run = job.run;
      SplittableRun.Segment taken = run == null ? null : run.split(SplittableRun.STALLED_NANOS);
      if (taken != null) {
        try {
          run.run(taken);
        } catch (Throwable t) {
          running.remove(job);
          job.future.completeExceptionally(t);
        } finally {
          Thread.interrupted();
        }
        return;
      }
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
  private final class Job {
    private final @Nullable TaskBatch batch;
    private final @Nullable EarlyResults early;
    final CompletableFuture<BatchResult> future = new CompletableFuture<>();
    volatile @Nullable SplittableRun run;
    private int state; // 0 queued, 1 running, 2 cancelled

    Job(@Nullable TaskBatch batch, @Nullable EarlyResults early) {
      this.batch = batch;
      this.early = early;
    }

    /** Marks the job running and returns its run, or null when it was cancelled. */
    synchronized @Nullable SplittableRun start() {
      if (state != 0 || future.isDone() || batch == null) {
        state = 2;
        return null;
      }
      state = 1;
      SplittableRun r =
          new SplittableRun(
              batch,
              early,
              outcome -> {
                running.remove(this);
                future.complete(outcome);
              });
      run = r;
      return r;
    }

    synchronized void cancel() {
      future.cancel(false);
      SplittableRun r = run;
      if (state == 1 && r != null) {
        r.interrupt();
      }
      state = 2;
    }
  }
}
