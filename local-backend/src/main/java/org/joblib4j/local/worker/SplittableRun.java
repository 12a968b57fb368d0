package org.joblib4j.local.worker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.ParallelBackend.EarlyResults;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;

/**
 * A batch that more than one thread may run: the thread that starts it runs its tasks in order, and
 * a thread with nothing else to do may take the unstarted end of it, so that a slow task does not
 * hold back the tasks behind it in its batch. Not an API.
 *
 * <pre>
 * Design note. The batch is cut into segments, each a range of tasks that one thread runs in
 * order. A segment's state is one AtomicLong holding its next task and its end, so the thread that
 * runs it claims tasks with one compare-and-set and a thief shortens it with another; a task is
 * claimed exactly once. Claims start at one task and double while a block runs under 50 us (up
 * to 1,024), so tiny tasks pay one compare-and-set per block; a block that ran longer drops the
 * next claim back to one task. A thief takes the second half of what a segment has not started (all of
 * it when one task is left), and only from a segment that looks stuck: its next task has not
 * moved since the thief last looked (see stalled). Every result lands in one array. Each segment
 * reports what it ran to the EarlyResults, if there are any, every 5 ms, and once more
 * when it ends while others still run, so that a thief's results never wait for the slow task it
 * ran away from. The last segment to end completes the batch: with every value, or with the
 * failure of the first task that threw (the others stop at their next task).
 * </pre>
 *
 * <p>This class is thread-safe.
 */
public final class SplittableRun {
  /**
   * How often a segment reports the results it ran: often enough that a result waits at most this
   * long behind a slow task of its batch, rarely enough that a batch of tiny tasks sends a few
   * dozen reports, not one per task.
   */
  static final long EARLY_EVERY_NANOS = 5_000_000L;

  /**
   * How long a task runs before the unstarted tasks behind it in its batch may go to an idle
   * thread or worker: long enough that tiny tasks never move, short enough that a straggler's
   * batch-mates barely wait.
   */
  public static final long STALLED_NANOS = 10_000_000L;

  /** A block of claimed tasks that runs shorter than this doubles the next claim. */
  private static final long BLOCK_NANOS = 50_000L;

  /** The most tasks one claim takes. */
  private static final int MAX_BLOCK = 1024;

  private final TaskBatch batch;
  private final int from;
  private final int to;
  private final @Nullable EarlyResults early;
  private final Consumer<BatchResult> done;
  private final @Nullable Object[] results;
  private final List<Segment> segments = new ArrayList<>(2);
  private final List<Thread> threads = new ArrayList<>(2);
  private int open;
  private @Nullable BatchResult failure;
  private volatile boolean stopping;
  private long runNanos;
  private boolean interrupted;
  private boolean finished;

  /**
   * Prepares {@code batch}; {@code done} receives its outcome once, from the thread that ends it
   * last. {@code early}, when not null, receives results while the batch still runs.
   */
  public SplittableRun(TaskBatch batch, @Nullable EarlyResults early, Consumer<BatchResult> done) {
    this(batch, 0, batch.size(), early, done);
  }

  /**
   * Prepares the tasks {@code from} to {@code to - 1} of {@code batch}, as the other constructor
   * does; the outcome's values hold nulls outside that range.
   */
  public SplittableRun(
      TaskBatch batch, int from, int to, @Nullable EarlyResults early, Consumer<BatchResult> done) {
    if (from < 0 || to > batch.size() || from >= to) {
      throw new IllegalArgumentException(
          "tasks " + from + " to " + to + " of a batch of " + batch.size());
    }
    this.batch = batch;
    this.from = from;
    this.to = to;
    this.early = early;
    this.done = done;
    this.results = new Object[batch.size()];
  }

  /** Runs the batch from its first task in the calling thread; returns when its part is done. */
  public void run() {
    Segment first;
    synchronized (this) {
      first = new Segment(from, to);
      segments.add(first);
      open++;
    }
    run(first);
  }

  /**
   * Takes the unstarted end of a segment whose running task has run for {@code stalledNanos} or
   * more, as far as calls to this method have seen, or returns null. Run what it returns with
   * {@link #run(Segment)}.
   */
  public synchronized @Nullable Segment split(long stalledNanos) {
    long state = cutStalled(stalledNanos);
    if (state < 0) {
      return null;
    }
    Segment taken = new Segment(next(state), end(state));
    segments.add(taken);
    open++;
    return taken;
  }

  /**
   * Shortens a segment as {@link #split} does, for tasks that run elsewhere: returns the first of
   * the tasks given away (they run to the segment's old end), or -1 when no segment is stalled.
   */
  public synchronized int giveAway(long stalledNanos) {
    long state = cutStalled(stalledNanos);
    return state < 0 ? -1 : next(state);
  }

  /** Returns the end of the tasks this JVM runs, which giveAway lowers. */
  public synchronized int end() {
    int end = from;
    for (Segment s : segments) {
      end = Math.max(end, end(s.state.get()));
    }
    return end;
  }

  /** Cuts the second half off a stalled segment, returning it packed as a state, or -1. */
  private long cutStalled(long stalledNanos) {
    if (finished || failure != null || interrupted) {
      return -1;
    }
    long now = System.nanoTime();
    for (Segment s : segments) {
      long state = s.state.get();
      int next = next(state);
      int end = end(state);
      if (next != s.seenNext) {
        s.seenNext = next;
        s.seenNanos = now;
        continue;
      }
      if (!s.running || next >= end || now - s.seenNanos < stalledNanos) {
        continue;
      }
      int cut = next + (end - next) / 2;
      if (s.state.compareAndSet(state, pack(next, cut))) {
        return pack(cut, end);
      }
    }
    return -1;
  }

  /** Runs {@code segment}, taken by {@link #split}, in the calling thread. */
  public void run(Segment segment) {
    Thread me = Thread.currentThread();
    synchronized (this) {
      if (interrupted) {
        me.interrupt();
      }
      threads.add(me);
      segment.running = true;
    }
    long start = System.nanoTime();
    long lastReport = start;
    int reported = segment.from;
    List<@Nullable Object> view = Arrays.asList(results);
    BatchResult failed = null;
    try (ParallelConfig.Scope ignored = ParallelConfig.enterNested(batch.nested())) {
      List<Task<?>> tasks = batch.tasks();
      int block = 1;
      claiming:
      while (!stopping) {
        long claimed = segment.claim(block);
        if (claimed < 0) {
          break;
        }
        int first = next(claimed);
        int last = end(claimed);
        long blockStart = System.nanoTime();
        for (int i = first; i < last; i++) {
          if (i > 0 && me.isInterrupted()) {
            failed = BatchResult.failure(i, new InterruptedException("Batch cancelled"));
            break claiming;
          }
          try {
            results[i] = tasks.get(i).call();
          } catch (Throwable t) {
            if (!TaskBatch.isTaskFailure(t)) {
              throw (VirtualMachineError) t;
            }
            failed = BatchResult.failure(i, t);
            break claiming;
          }
          if (early != null) {
            long now = System.nanoTime();
            if (now - lastReport >= EARLY_EVERY_NANOS && i + 1 < segment.end()) {
              early.arrived(reported, view.subList(reported, i + 1));
              reported = i + 1;
              lastReport = now;
            }
          }
        }
        // Tiny tasks are claimed many at a time, so a claim costs little per task; a block that
        // took long goes back to one task at a time, so a slow task holds back nothing it claimed.
        long took = System.nanoTime() - blockStart;
        block = took < BLOCK_NANOS ? Math.min(MAX_BLOCK, 2 * block) : 1;
      }
      int end = segment.ranTo();
      if (early != null && failed == null && !stopping && reported < end && !lastOpen()) {
        early.arrived(reported, view.subList(reported, end));
      }
    } catch (RuntimeException | Error e) {
      // What the EarlyResults threw (or a broken JVM) ends the batch, as in TaskBatch.run.
      segmentEnded(me, start, null, e);
      throw e;
    }
    segmentEnded(me, start, failed, null);
  }

  /** Interrupts every thread that runs a part of this batch now, and those that start later. */
  public synchronized void interrupt() {
    interrupted = true;
    for (Thread t : threads) {
      t.interrupt();
    }
  }

  private synchronized boolean lastOpen() {
    return open == 1;
  }

  private void segmentEnded(
      Thread me, long start, @Nullable BatchResult failed, @Nullable Throwable thrown) {
    BatchResult outcome = null;
    synchronized (this) {
      threads.remove(me);
      runNanos += System.nanoTime() - start;
      if (failed != null && (failure == null || failed.failedOffset() < failure.failedOffset())) {
        failure = failed;
        stopping = true;
      }
      if (thrown != null && failure == null) {
        failure = BatchResult.failure(0, thrown);
        stopping = true;
      }
      open--;
      if (open == 0 && !finished) {
        finished = true;
        outcome = failure != null ? failure : BatchResult.success(results, runNanos);
      }
    }
    if (outcome != null && thrown == null) {
      done.accept(outcome);
    }
  }

  private static long pack(int next, int end) {
    return ((long) next << 32) | (end & 0xffffffffL);
  }

  private static int next(long state) {
    return (int) (state >>> 32);
  }

  private static int end(long state) {
    return (int) state;
  }

  /** A range of a batch's tasks that one thread runs in order. */
  public static final class Segment {
    final int from;
    final AtomicLong state;
    // Read and written under the run's lock: the next task when split last looked, and since when.
    int seenNext = -1;
    long seenNanos;
    boolean running;

    Segment(int from, int end) {
      this.from = from;
      this.state = new AtomicLong(pack(from, end));
    }

    /**
     * Claims up to {@code n} of the next tasks and returns their range packed as a state (first,
     * end), or -1 when the segment has none left.
     */
    long claim(int n) {
      while (true) {
        long s = state.get();
        int next = next(s);
        int end = SplittableRun.end(s);
        if (next >= end) {
          return -1;
        }
        int to = Math.min(end, next + n);
        if (state.compareAndSet(s, pack(to, end))) {
          return pack(next, to);
        }
      }
    }

    /** Returns the end of the segment now. */
    int end() {
      return SplittableRun.end(state.get());
    }

    /** Returns the end of the tasks this segment ran, once it has stopped claiming. */
    int ranTo() {
      long s = state.get();
      return Math.min(next(s), SplittableRun.end(s));
    }
  }
}
