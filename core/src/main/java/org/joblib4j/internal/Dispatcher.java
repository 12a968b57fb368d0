package org.joblib4j.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.joblib4j.JoblibException;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskTimeoutException;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.ParallelBackend.CallInfo;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@code Parallel} call on a backend and yields its results, in input order or in
 * completion order.
 *
 * <pre>
 * Design note. Everything here runs on the consumer's thread: the thread that iterates the
 * results is the only one that reads the input, forms batches, submits them and handles their
 * completions, so the dispatcher needs no lock. Backends complete futures on their own threads;
 * each completion is put on a queue that the consumer drains while it waits for a result.
 *
 * Flow control is joblib's: at the start, the first preDispatch tasks (2 * n_jobs by default) are
 * read and dispatched as batches; afterwards every completed batch lets exactly one more batch be
 * dispatched. Batches are formed as joblib forms them: read batchSize * nWorkers tasks and split
 * them into nWorkers batches; at the tail of the input, split finer (size / (10 * nWorkers)) so
 * that the last tasks spread over every worker. As dispatch happens only while the consumer
 * waits, a consumer that stops reading stops the input from being read: an unbounded stream runs
 * in bounded memory.
 *
 * The first failed batch ends the call: the backend cancels everything, and the failure is thrown
 * to the consumer. A timeout is a wait for the next completion longer than the call's timeout.
 * </pre>
 *
 * <p>Not thread-safe: confined to the consumer's thread.
 */
public final class Dispatcher<R> implements ResultIterator<R> {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final Iterator<? extends Task<?>> source;
  private final ParallelBackend backend;
  private final String backendName;
  private final boolean ownsBackend;
  private final int nWorkers;
  private final boolean ordered;
  private final @Nullable Duration timeout;
  private final BatchSizer sizer;
  private final ProgressReporter reporter;
  private final int preDispatch;
  private final CallInfo callInfo;
  private final NestedConfig nested;
  private final Runnable onEnd;

  private final ArrayDeque<Pending> inOrder = new ArrayDeque<>();
  private final ArrayDeque<Pending> doneUnordered = new ArrayDeque<>();
  private final ArrayDeque<List<Task<?>>> readyBatches = new ArrayDeque<>();
  private final LinkedBlockingQueue<Pending> completions = new LinkedBlockingQueue<>();

  private @Nullable Task<?> pushedBack;
  private int preDispatchLeft;
  private boolean sourceExhausted;
  private long nextIndex;
  private long dispatchedTasks;
  private long completedTasks;
  private long dispatchedBatches;
  private int inflight;
  private Iterator<@Nullable Object> current = Collections.emptyIterator();
  private boolean callStarted;
  private boolean ended;
  private boolean finished;

  /** What one call needs besides its input and backend. */
  public record Options(
      String callName,
      String backendName,
      int nWorkers,
      boolean ordered,
      @Nullable Duration timeout,
      int batchSize,
      String preDispatch,
      int verbose,
      long totalTasks,
      int nestingLevel,
      org.joblib4j.@Nullable ProgressListener listener) {}

  /**
   * Starts the call: reads the first task, prepares the backend and dispatches the first
   * batches. {@code onEnd} runs once when the call ends, however it ends.
   */
  public Dispatcher(
      Iterator<? extends Task<?>> source,
      ParallelBackend backend,
      boolean ownsBackend,
      Options options,
      Runnable onEnd) {
    this.source = source;
    this.backend = backend;
    this.ownsBackend = ownsBackend;
    this.backendName = options.backendName();
    this.nWorkers = options.nWorkers();
    this.ordered = options.ordered();
    this.timeout = options.timeout();
    this.onEnd = onEnd;
    this.reporter =
        new ProgressReporter(
            options.callName(), options.verbose(), options.listener(), options.totalTasks());
    int initialBatchSize =
        options.batchSize() > 0
            ? 1
            : Math.max(1, backend.initialBatchSize(options.totalTasks(), options.nWorkers()));
    this.sizer =
        options.batchSize() > 0
            ? BatchSizer.fixed(options.batchSize())
            : new AutoBatcher(
                backend.minBatchDuration(),
                backend.maxBatchDuration(),
                initialBatchSize,
                options.verbose(),
                reporter);
    try {
      this.preDispatch = PreDispatch.tasks(options.preDispatch(), nWorkers);
      // A backend that starts with larger batches counts pre-dispatch in batches of that size.
      this.preDispatchLeft = (int) Math.min(Integer.MAX_VALUE, (long) preDispatch * initialBatchSize);
      Task<?> first = pull();
      pushedBack = first;
      String function = first != null ? Lambdas.name(first.function()) : "nothing";
      this.callInfo = new CallInfo(options.callName(), function, nWorkers, options.nestingLevel());
      this.nested = backend.nested(callInfo);
      reporter.line(
          Checks.format(
              "Using backend %s with %d concurrent workers.", backend.displayName(), nWorkers));
      callStarted = true;
      backend.startCall(callInfo);
      reporter.start(0);
      while (dispatchOneBatch(true)) {
        // dispatch the pre-dispatch slice
      }
    } catch (RuntimeException | Error e) {
      abort();
      throw e;
    }
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext()) {
      List<@Nullable Object> values = nextBatchValues();
      if (values == null) {
        return false;
      }
      current = values.iterator();
    }
    return true;
  }

  /**
   * Returns the values of the next batch to deliver, waiting for it, or null when the call has
   * ended. A failure cancels the call and is thrown.
   */
  private @Nullable List<@Nullable Object> nextBatchValues() {
    if (finished) {
      return null;
    }
    Pending p;
    try {
      p = nextDeliverable();
    } catch (RuntimeException | Error e) {
      abort();
      throw e;
    }
    if (p == null) {
      reporter.finish(completedTasks);
      end();
      return null;
    }
    BatchResult result = p.result;
    return result != null ? result.values() : List.of();
  }

  @Override
  @SuppressWarnings("unchecked")
  public R next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return (R) current.next();
  }

  /** Drains every result into a list, a batch at a time. */
  @Override
  @SuppressWarnings("unchecked")
  public List<R> toList() {
    try {
      List<R> out = new ArrayList<>();
      while (current.hasNext()) {
        out.add((R) current.next());
      }
      List<@Nullable Object> values;
      while ((values = nextBatchValues()) != null) {
        out.addAll((List<R>) (List<?>) values);
      }
      return out;
    } finally {
      close();
    }
  }

  /** Cancels whatever is still running; a no-op once the call has ended. */
  @Override
  public void close() {
    if (!ended) {
      abort();
    }
  }

  private @Nullable Pending nextDeliverable() {
    while (true) {
      if (ordered) {
        Pending head = inOrder.peekFirst();
        if (head != null && head.processed) {
          return inOrder.pollFirst();
        }
      } else if (!doneUnordered.isEmpty()) {
        return doneUnordered.pollFirst();
      }
      if (inflight == 0 && !dispatchOneBatch(false)) {
        return null;
      }
      if (inflight > 0) {
        awaitCompletion();
      }
    }
  }

  private void awaitCompletion() {
    Pending p;
    try {
      if (timeout == null) {
        p = completions.take();
      } else {
        p = completions.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (p == null) {
          throw new TaskTimeoutException(
              Checks.format(
                  "No task of %s finished within %s on backend %s; the call was cancelled. Raise"
                      + " the timeout, or make the tasks shorter.",
                  callInfo.name(),
                  timeout,
                  backendName),
              timeout);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JoblibException(
          "Interrupted while waiting for the tasks of " + callInfo.name() + "; cancelled", e);
    }
    do {
      process(p);
    } while ((p = completions.poll()) != null);
  }

  private void process(Pending p) {
    inflight--;
    Throwable error = p.error;
    if (error != null) {
      throw infrastructureFailure(p, error);
    }
    BatchResult result = p.result;
    if (result == null) {
      throw new IllegalStateException("Backend " + backendName + " completed a batch with null");
    }
    Throwable failure = result.failure();
    if (failure != null) {
      Task<?> task = p.tasks.get(result.failedOffset());
      throw new TaskFailedException(
          p.firstIndex + result.failedOffset(), task.describe(), backendName, failure);
    }
    if (result.values().size() != p.tasks.size()) {
      throw new IllegalStateException(
          Checks.format(
              "Backend %s returned %d results for a batch of %d tasks",
              backendName,
              result.values().size(),
              p.tasks.size()));
    }
    p.processed = true;
    sizer.batchCompleted(p.tasks.size(), p.doneNanos - p.dispatchNanos);
    completedTasks += p.tasks.size();
    reporter.progress(
        completedTasks, dispatchedTasks, dispatchedBatches, sourceExhausted, preDispatch);
    if (!ordered) {
      doneUnordered.addLast(p);
    }
    dispatchOneBatch(false);
  }

  private RuntimeException infrastructureFailure(Pending p, Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof JoblibException je) {
      return je;
    }
    if (cause instanceof CancellationException ce) {
      return new JoblibException(
          "A batch of " + callInfo.name() + " was cancelled by backend " + backendName, ce);
    }
    return new TaskFailedException(
        p.firstIndex, p.tasks.get(0).describe(), backendName, cause);
  }

  private boolean dispatchOneBatch(boolean fromSlice) {
    if (ended) {
      return false;
    }
    if (readyBatches.isEmpty()) {
      int batchSize = sizer.batchSize();
      long full = (long) batchSize * nWorkers;
      long want = fromSlice ? Math.min(full, preDispatchLeft) : full;
      if (want <= 0) {
        return false;
      }
      List<Task<?>> tasks = new ArrayList<>((int) Math.min(want, 4096));
      while (tasks.size() < want) {
        Task<?> t = pull();
        if (t == null) {
          break;
        }
        tasks.add(t);
      }
      if (fromSlice) {
        preDispatchLeft -= tasks.size();
      }
      if (tasks.isEmpty()) {
        return false;
      }
      int size = tasks.size();
      int each =
          !fromSlice && size < full
              ? Math.max(1, size / (10 * nWorkers))
              : Math.max(1, size / nWorkers);
      for (int i = 0; i < size; i += each) {
        readyBatches.addLast(tasks.subList(i, Math.min(size, i + each)));
      }
    }
    submit(readyBatches.pollFirst());
    return true;
  }

  private @Nullable Task<?> pull() {
    if (pushedBack != null) {
      Task<?> t = pushedBack;
      pushedBack = null;
      return t;
    }
    if (sourceExhausted) {
      return null;
    }
    if (!source.hasNext()) {
      sourceExhausted = true;
      return null;
    }
    Task<?> t = source.next();
    if (t == null) {
      throw new NullPointerException(
          Checks.format(
              "The task input yielded null at index %d: every element must be a Task made by"
                  + " Delayed.delayed",
              nextIndex));
    }
    nextIndex++;
    return t;
  }

  private void submit(List<Task<?>> tasks) {
    long firstIndex = dispatchedTasks;
    TaskBatch batch = new TaskBatch(tasks, firstIndex, nested);
    Pending p = new Pending(batch.tasks(), firstIndex);
    p.dispatchNanos = System.nanoTime();
    CompletableFuture<BatchResult> future = backend.submit(batch);
    inflight++;
    dispatchedTasks += tasks.size();
    dispatchedBatches++;
    if (ordered) {
      inOrder.addLast(p);
    }
    future.whenComplete(
        (result, error) -> {
          p.doneNanos = System.nanoTime();
          p.result = result;
          p.error = error;
          completions.add(p);
        });
  }

  private void abort() {
    if (ended) {
      return;
    }
    if (callStarted) {
      try {
        backend.cancelAll();
      } catch (RuntimeException e) {
        log.warn("Backend {} failed to cancel its tasks", backendName, e);
      }
    }
    end();
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    finished = true;
    current = Collections.emptyIterator();
    inOrder.clear();
    doneUnordered.clear();
    readyBatches.clear();
    if (callStarted) {
      try {
        backend.endCall();
      } catch (RuntimeException e) {
        log.warn("Backend {} failed to end a call", backendName, e);
      }
    }
    if (ownsBackend) {
      try {
        backend.close();
      } catch (RuntimeException e) {
        log.warn("Backend {} failed to close", backendName, e);
      }
    }
    onEnd.run();
  }

  private static final class Pending {
    final List<Task<?>> tasks;
    final long firstIndex;
    long dispatchNanos;
    long doneNanos;
    @Nullable BatchResult result;
    @Nullable Throwable error;
    boolean processed;

    Pending(List<Task<?>> tasks, long firstIndex) {
      this.tasks = tasks;
      this.firstIndex = firstIndex;
    }
  }
}
