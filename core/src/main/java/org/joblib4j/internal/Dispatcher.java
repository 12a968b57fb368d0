package org.joblib4j.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
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
 * that the last tasks spread over every worker, unless the last batch's tasks say the tail runs
 * in under 10 ms, where finer batches would cost more round trips than they balance. As dispatch happens only while the consumer
 * waits, a consumer that stops reading stops the input from being read: an unbounded stream runs
 * in bounded memory.
 *
 * run(Stream) reads its input the other way round: the stream pushes its tasks into the
 * dispatcher (see runPushed), which is several times cheaper per task than pulling them through
 * an iterator, and the same flow control holds. Tasks are read into a chunk array; each batch
 * gets its own copy of its slice, wrapped without a further copy (TaskList).
 *
 * Results in input order wait behind the first batch not yet done. While that batch is slow and
 * the others are quick, every completion would dispatch a further batch, twice as large, and
 * their results would pile up: an unbounded stream would then fill the heap. So a streamed call
 * keeps at most maxUndelivered batches between dispatch and delivery (4 * preDispatch, at least
 * 16); a completion beyond that defers its dispatch until the head batch is delivered. run keeps
 * every result anyway, so toList lifts the bound.
 *
 * Counting batches bounds nothing when batches grow: tiny tasks grow them to millions of tasks
 * each. So the call also bounds the bytes it holds (maxInFlight): the tasks read and not yet
 * finished, and the undelivered results of a streamed call, estimated from a sample (every 64th
 * task of a chunk, every 64th result of a batch; see Footprint). A chunk is never read larger
 * than the room left, and with no room the dispatch waits, as a deferred one, for a completion
 * or a delivery that frees bytes. A call that holds nothing may always read one task, so a task
 * larger than the bound still runs.
 *
 * A call in completion order submits its batches with an EarlyResults sink: a backend that can
 * look into a running batch reports the results of its tasks as they end, and each report goes to
 * the consumer as a slice of its batch (processEarly); the batch's completion then delivers only
 * what no report held. So a result never waits for a slow task of its batch.
 *
 * The first failed batch ends the call: the backend cancels everything, and the failure is thrown
 * to the consumer. A timeout bounds each batch from its start: the dispatcher takes a batch to
 * start when it is submitted with fewer than nWorkers batches running, else when the batch ahead
 * of it completes (backends run batches in submission order), and waits for completions only
 * until the earliest running batch's deadline.
 * </pre>
 *
 * <p>Not thread-safe: confined to the consumer's thread.
 */
public final class Dispatcher<R> implements ResultIterator<R> {
  private static final Logger log = Logs.get(Dispatcher.class);

  /** A tail of the input that runs shorter than this is not split finer than one batch a worker. */
  private static final double TAIL_SPLIT_SECONDS = 0.01;

  private final @Nullable Iterator<? extends Task<?>> source;
  private final ParallelBackend backend;
  private final String backendName;
  private final boolean ownsBackend;
  private final int nWorkers;
  private final long totalTasks;
  private final boolean ordered;
  private final @Nullable Duration timeout;
  private final BatchSizer sizer;
  private final ProgressReporter reporter;
  private final int preDispatch;
  private final String callName;
  private final int nestingLevel;
  private final Runnable onEnd;
  private CallInfo callInfo;
  private NestedConfig nested;

  private final ArrayDeque<Pending> inOrder = new ArrayDeque<>();
  private final ArrayDeque<Pending> doneUnordered = new ArrayDeque<>();
  private final ArrayDeque<List<Task<?>>> readyBatches = new ArrayDeque<>();
  private Task<?>[] chunk = new Task<?>[0];
  private int chunkFill;
  private long chunkWant;
  private boolean chunkFromSlice;
  private int readCredits;
  private int maxUndelivered;
  private int deferredDispatches;
  // The bound on what the call holds: the estimated bytes of the tasks read and not finished and,
  // unless every result is kept anyway (run), of the results not yet delivered.
  private final long maxInFlight;
  private boolean keepsResults;
  private long heldBytes;
  private double bytesPerTask = Footprint.TASK;
  private long chunkSampleBytes;
  private int chunkSamples;
  private final ArrayDeque<Long> readyBatchBytes = new ArrayDeque<>();
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

  private @Nullable Task<?> pushedBack;
  private int preDispatchLeft;
  private boolean sourceExhausted;
  private boolean inputEnded;
  private long nextIndex;
  private long dispatchedTasks;
  private long completedTasks;
  private long dispatchedBatches;
  private int inflight;
  // Batches the backend is taken to run now, in the order they started, and those waiting for a
  // worker, in submission order: a batch's timeout counts from its start.
  private final ArrayDeque<Pending> running = new ArrayDeque<>();
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private int runningCount;
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
      org.joblib4j.@Nullable ProgressListener listener,
      long maxInFlight) {}

  /**
   * Returns the default bound on the bytes a call holds in flight: an eighth of the maximum heap,
   * between 8 MiB and 256 MiB.
   */
  public static long defaultMaxInFlight() {
    long eighth = Runtime.getRuntime().maxMemory() / 8;
    return Math.max(8L << 20, Math.min(256L << 20, eighth));
  }

  /**
   * Starts the call. With a {@code source} it reads the first task, prepares the backend and
   * dispatches the first batches; without one the input is pushed later through {@link #runPushed}.
   * {@code onEnd} runs once when the call ends, however it ends.
   */
  public Dispatcher(
      @Nullable Iterator<? extends Task<?>> source,
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
    this.maxInFlight = options.maxInFlight();
    this.onEnd = onEnd;
    this.callName = options.callName();
    this.nestingLevel = options.nestingLevel();
    this.totalTasks = options.totalTasks();
    this.reporter =
        new ProgressReporter(
            options.callName(), options.verbose(), options.listener(), options.totalTasks());
    this.callInfo = new CallInfo(callName, "nothing", nWorkers, nestingLevel);
    this.nested = NestedConfig.sequential(nestingLevel + 1);
    try {
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
      this.preDispatch = PreDispatch.tasks(options.preDispatch(), nWorkers);
      // A backend that starts with larger batches gets one probe task per worker first; the
      // first probe to complete sizes the batches and releases the rest of the pre-dispatch.
      this.preDispatchLeft = probing() ? Math.min(nWorkers, preDispatch) : preDispatch;
      this.maxUndelivered =
          preDispatch == Integer.MAX_VALUE
              ? Integer.MAX_VALUE
              : (int) Math.min(Integer.MAX_VALUE, Math.max(4L * preDispatch, 16));
      if (source != null) {
        Task<?> first = pull();
        pushedBack = first;
        begin(first);
        while (dispatchOneBatch(true)) {
          // dispatch the pre-dispatch slice
        }
      }
    } catch (RuntimeException | Error e) {
      abort();
      throw e;
    }
  }

  /** Prepares the backend for the call, whose first task is {@code first}. */
  private void begin(@Nullable Task<?> first) {
    String function = first != null ? Lambdas.name(first.function()) : "nothing";
    callInfo = new CallInfo(callName, function, nWorkers, nestingLevel);
    nested = backend.nested(callInfo);
    reporter.line(
        Checks.format(
            "Using backend %s with %d concurrent workers.", backend.displayName(), nWorkers));
    callStarted = true;
    backend.startCall(callInfo);
    reporter.start(0);
  }

  /**
   * Runs the call over {@code input}, which pushes its tasks to the dispatcher, and returns every
   * result in input order. Only for a dispatcher made without a source.
   *
   * <pre>
   * Design note. A stream hands out its elements much faster by pushing them (forEachRemaining)
   * than through an iterator, which buffers every element on its way. Pushing changes who drives
   * the loop, not the flow control: a chunk of tasks is read only with the right to read it, as
   * in pull mode. Before the first task of a chunk, the dispatcher holds the push (the caller's
   * thread, inside forEachRemaining) and handles completions until a completed batch has given
   * it that right; then it takes tasks until the chunk is full and submits it as pull mode would
   * have. A failure thrown while the input pushes leaves forEachRemaining at once, so the rest of
   * the input is never read.
   * </pre>
   */
  public List<R> runPushed(Spliterator<? extends Task<?>> input) {
    Checks.requireState(source == null, "This call reads its own input");
    keepsResults = true;
    try {
      input.forEachRemaining(this::accept);
      sourceExhausted = true;
      if (!callStarted) {
        begin(null);
      }
      if (chunkFill > 0) {
        formChunk();
        submitFormed();
      }
    } catch (RuntimeException | Error e) {
      abort();
      throw e;
    }
    return toList();
  }

  private void accept(Task<?> task) {
    if (task == null) {
      throw nullTask();
    }
    nextIndex++;
    if (!callStarted) {
      begin(task);
    }
    if (chunkFill == 0) {
      while ((preDispatchLeft == 0 && readCredits == 0) || budgetTasks() == 0) {
        if (inflight > 0) {
          awaitCompletion();
        } else if (!readyBatches.isEmpty()) {
          submitReady();
        } else {
          readCredits++;
        }
      }
      startChunk(preDispatchLeft > 0);
    }
    appendToChunk(task);
    if (chunkFill == chunkWant) {
      formChunk();
      submitFormed();
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
    if (result == null) {
      return List.of();
    }
    List<@Nullable Object> values = result.values();
    BitSet reported = p.early;
    if (reported == null) {
      return values;
    }
    // Early reports may come from several parts of the batch: deliver what none of them held.
    List<@Nullable Object> rest = new ArrayList<>(values.size() - p.earlyCount);
    for (int i = reported.nextClearBit(0); i < values.size(); i = reported.nextClearBit(i + 1)) {
      rest.add(values.get(i));
    }
    return rest;
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
    // Every result is kept anyway: no bound on the batches waiting for delivery.
    maxUndelivered = Integer.MAX_VALUE;
    keepsResults = true;
    try {
      releaseDeferred();
      long expected = sourceExhausted ? nextIndex : totalTasks;
      List<R> out = new ArrayList<>(expected > 0 ? (int) Math.min(expected, 1 << 24) : 10);
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
          inOrder.pollFirst();
          delivered(head);
          return head;
        }
      } else if (!doneUnordered.isEmpty()) {
        Pending p = doneUnordered.pollFirst();
        delivered(p);
        return p;
      }
      if (inflight == 0 && !dispatchOneBatch(false)) {
        return null;
      }
      if (inflight > 0) {
        awaitCompletion();
      }
    }
  }

  /** Frees the bytes of a batch whose results go to the consumer, and dispatches what waited. */
  private void delivered(Pending p) {
    heldBytes -= p.bytes;
    p.bytes = 0;
    releaseDeferred();
  }

  /** Dispatches the batches deferred by the bound on undelivered batches or on bytes. */
  private void releaseDeferred() {
    while (deferredDispatches > 0
        && !ended
        && inOrder.size() < maxUndelivered
        && (!readyBatches.isEmpty() || budgetTasks() > 0)) {
      deferredDispatches--;
      if (!dispatchOneBatch(false)) {
        break;
      }
    }
  }

  /**
   * Returns how many more tasks the bound on bytes lets the call read now: at least one when it
   * holds nothing, so a single task larger than the bound still runs.
   */
  private long budgetTasks() {
    long n = (long) ((maxInFlight - heldBytes) / bytesPerTask);
    if (n < 1 && inflight == 0 && readyBatches.isEmpty()) {
      return 1;
    }
    return Math.max(0, n);
  }

  private void awaitCompletion() {
    Completion p;
    try {
      if (timeout == null) {
        p = completions.take();
      } else {
        while (true) {
          Pending oldest = oldestRunning();
          long wait =
              oldest == null
                  ? timeout.toNanos()
                  : oldest.startNanos + timeout.toNanos() - System.nanoTime();
          if (wait <= 0 && oldest != null) {
            throw timedOut(oldest);
          }
          p = completions.poll(wait, TimeUnit.NANOSECONDS);
          if (p != null) {
            break;
          }
          if (oldest == null) {
            throw timedOut(null);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JoblibException(
          "Interrupted while waiting for the tasks of " + callInfo.name() + "; cancelled", e);
    }
    do {
      if (p instanceof Early early) {
        processEarly(early);
      } else {
        process((Pending) p);
      }
    } while ((p = completions.poll()) != null);
  }

  /**
   * Takes the results of a running batch's first tasks, reported early because the call yields
   * results in completion order: they are delivered now, and the batch's completion delivers the
   * rest.
   */
  private void processEarly(Early early) {
    Pending p = early.batch();
    int n = early.values().size();
    Pending slice =
        new Pending(
            p.tasks.subList(early.offset(), early.offset() + n), p.firstIndex + early.offset());
    slice.result = BatchResult.success(early.values());
    slice.processed = true;
    slice.bytes = keepsResults ? 0 : resultBytes(slice.result);
    heldBytes += slice.bytes;
    BitSet reported = p.early;
    if (reported == null) {
      reported = p.early = new BitSet(p.tasks.size());
    }
    reported.set(early.offset(), early.offset() + n);
    p.earlyCount += n;
    completedTasks += n;
    reporter.progress(
        completedTasks, dispatchedTasks, dispatchedBatches, dispatchFinished(), preDispatch);
    doneUnordered.addLast(slice);
  }

  /** Returns the running batch that started first, dropping those already completed. */
  private @Nullable Pending oldestRunning() {
    Pending head;
    while ((head = running.peekFirst()) != null && head.completed) {
      running.pollFirst();
    }
    return head;
  }

  private TaskTimeoutException timedOut(@Nullable Pending batch) {
    Duration limit = Objects.requireNonNull(timeout);
    if (batch == null) {
      return new TaskTimeoutException(
          Checks.format(
              "No task of %s finished within %s on backend %s; the call was cancelled. Raise"
                  + " the timeout, or make the tasks shorter.",
              callInfo.name(), limit, backendName),
          limit);
    }
    String which =
        batch.tasks.size() == 1
            ? Checks.format("Task %d (%s)", batch.firstIndex, batch.tasks.get(0).describe())
            : Checks.format(
                "A batch of tasks %d to %d (%s, ...)",
                batch.firstIndex,
                batch.firstIndex + batch.tasks.size() - 1,
                batch.tasks.get(0).describe());
    return new TaskTimeoutException(
        Checks.format(
            "%s of %s did not finish within %s on backend %s; the call was cancelled. Raise the"
                + " timeout, or make the tasks shorter.",
            which, callInfo.name(), limit, backendName),
        limit);
  }

  /**
   * Records that {@code done} has completed: its worker is free, so the batch waiting longest
   * starts now, as far as the dispatcher can tell (backends run batches in submission order).
   */
  private void markCompleted(Pending done) {
    done.completed = true;
    if (done.startNanos != 0) {
      runningCount--;
      // At most nWorkers batches run: the deque stays that short, and holds nothing done.
      running.remove(done);
    } else {
      waiting.remove(done);
    }
    while (runningCount < nWorkers && !waiting.isEmpty()) {
      start(waiting.pollFirst(), done.doneNanos);
    }
  }

  private void start(Pending p, long nanos) {
    p.startNanos = nanos == 0 ? 1 : nanos;
    runningCount++;
    running.addLast(p);
  }

  private void process(Pending p) {
    inflight--;
    markCompleted(p);
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
              backendName, result.values().size(), p.tasks.size()));
    }
    p.processed = true;
    heldBytes -= p.bytes;
    int n = p.tasks.size();
    p.bytes = keepsResults ? 0 : resultBytes(result) * (n - p.earlyCount) / n;
    heldBytes += p.bytes;
    boolean probed = probing();
    sizer.batchCompleted(n, p.doneNanos - p.dispatchNanos, result.runNanos());
    completedTasks += n - p.earlyCount;
    reporter.progress(
        completedTasks, dispatchedTasks, dispatchedBatches, dispatchFinished(), preDispatch);
    if (!ordered) {
      doneUnordered.addLast(p);
    }
    if (source != null && ordered && inOrder.size() >= maxUndelivered) {
      deferredDispatches++;
    } else {
      dispatchOneBatch(false);
    }
    releaseDeferred();
    if (probed) {
      // The batch size is known: fill the pre-dispatch that the probes held back.
      long topUp = Math.min((long) preDispatch - inflight, 1L << 20);
      for (long i = 0; i < topUp && !ended; i++) {
        if (source == null) {
          if (!sourceExhausted) {
            readCredits++;
          }
        } else if (!dispatchOneBatch(false)) {
          break;
        }
      }
    }
  }

  /** Estimates the bytes of a batch's results from every 64th of them. */
  private static long resultBytes(BatchResult result) {
    List<@Nullable Object> values = result.values();
    int n = values.size();
    long sum = 0;
    int k = 0;
    for (int i = 0; i < n; i += 64) {
      sum += Footprint.ofResult(values.get(i));
      k++;
    }
    return k == 0 ? 0 : sum * n / k;
  }

  private boolean probing() {
    return sizer instanceof AutoBatcher auto && auto.probing();
  }

  /**
   * Returns whether every task of the input has been dispatched, when joblib's progress lines
   * switch from "Done n tasks" to "Done n out of dispatched".
   */
  private boolean dispatchFinished() {
    if (source != null) {
      return inputEnded && readyBatches.isEmpty();
    }
    return sourceExhausted && pushedBack == null && readyBatches.isEmpty() && chunkFill == 0;
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
    return new TaskFailedException(p.firstIndex, p.tasks.get(0).describe(), backendName, cause);
  }

  private boolean dispatchOneBatch(boolean fromSlice) {
    if (ended) {
      return false;
    }
    if (readyBatches.isEmpty()) {
      if (source == null) {
        // Push mode: the next task pushed reads the chunk with this right.
        if (!sourceExhausted) {
          readCredits++;
        }
        return false;
      }
      if (fromSlice && preDispatchLeft <= 0) {
        return false;
      }
      if (budgetTasks() == 0) {
        // Over the bound: the next completion or delivery that frees bytes reads on.
        deferredDispatches++;
        return false;
      }
      startChunk(fromSlice);
      Task<?> t;
      while (chunkFill < chunkWant && (t = pull()) != null) {
        appendToChunk(t);
      }
      if (chunkFill == 0) {
        // As joblib's _original_iterator = None: the input ends when a dispatch finds nothing.
        inputEnded = true;
        return false;
      }
      formChunk();
    }
    submitReady();
    return true;
  }

  private void submitReady() {
    Long bytes = readyBatchBytes.pollFirst();
    submit(readyBatches.pollFirst(), bytes != null ? bytes : 0);
  }

  /** Starts reading a chunk of tasks: a slice of the pre-dispatch, or batchSize * nWorkers. */
  private void startChunk(boolean fromSlice) {
    long full = (long) sizer.batchSize() * nWorkers;
    chunkWant = Math.min(fromSlice ? Math.min(full, preDispatchLeft) : full, budgetTasks());
    chunkFromSlice = fromSlice;
    chunkFill = 0;
    int capacity = (int) Math.min(chunkWant, 1 << 16);
    if (chunk.length < capacity || chunk.length > 4 * capacity) {
      chunk = new Task<?>[capacity];
    }
  }

  private void appendToChunk(Task<?> t) {
    if (chunkFill == chunk.length) {
      chunk = Arrays.copyOf(chunk, (int) Math.min(chunkWant, 2L * chunk.length));
    }
    if ((chunkFill & 63) == 0) {
      chunkSampleBytes += Footprint.of(t);
      chunkSamples++;
    }
    chunk[chunkFill++] = t;
  }

  /**
   * Splits the chunk read into batches, as joblib does: into nWorkers batches, or finer at the tail
   * of the input so that the last tasks spread over every worker.
   */
  private void formChunk() {
    int size = chunkFill;
    if (chunkFromSlice) {
      preDispatchLeft -= size;
    }
    // At the tail, split finer so that the last tasks spread over every worker, unless the tail
    // is known to run in less than TAIL_SPLIT_SECONDS: then the finer batches would only add
    // round trips.
    double tailSeconds = sizer.secondsPerTask() * size;
    boolean splitTail =
        !chunkFromSlice
            && size < chunkWant
            && (Double.isNaN(tailSeconds) || tailSeconds >= TAIL_SPLIT_SECONDS);
    int each = splitTail ? Math.max(1, size / (10 * nWorkers)) : Math.max(1, size / nWorkers);
    if (chunkSamples > 0) {
      bytesPerTask = Math.max(Footprint.TASK, (double) chunkSampleBytes / chunkSamples);
    }
    chunkSampleBytes = 0;
    chunkSamples = 0;
    for (int i = 0; i < size; i += each) {
      int end = Math.min(size, i + each);
      long bytes = (long) (bytesPerTask * (end - i));
      heldBytes += bytes;
      readyBatches.addLast(new TaskList(Arrays.copyOfRange(chunk, i, end)));
      readyBatchBytes.addLast(bytes);
    }
    // The chunk array is reused and overwritten; its stale references are all in batches.
    chunkFill = 0;
  }

  /** Push mode: submits a formed chunk, all of it for a pre-dispatch slice, else one batch. */
  private void submitFormed() {
    if (chunkFromSlice) {
      while (!readyBatches.isEmpty()) {
        submitReady();
      }
    } else {
      readCredits--;
      submitReady();
    }
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
    Iterator<? extends Task<?>> in = Objects.requireNonNull(source);
    if (!in.hasNext()) {
      sourceExhausted = true;
      return null;
    }
    Task<?> t = in.next();
    if (t == null) {
      throw nullTask();
    }
    nextIndex++;
    return t;
  }

  private NullPointerException nullTask() {
    return new NullPointerException(
        Checks.format(
            "The task input yielded null at index %d: every element must be a Task made by"
                + " Delayed.delayed",
            nextIndex));
  }

  private void submit(List<Task<?>> tasks, long bytes) {
    long firstIndex = dispatchedTasks;
    TaskBatch batch = new TaskBatch(tasks, firstIndex, nested);
    Pending p = new Pending(batch.tasks(), firstIndex);
    p.bytes = bytes;
    p.dispatchNanos = System.nanoTime();
    CompletableFuture<BatchResult> future =
        ordered
            ? backend.submit(batch)
            : backend.submit(
                batch, (offset, values) -> completions.add(new Early(p, offset, values)));
    inflight++;
    dispatchedTasks += tasks.size();
    dispatchedBatches++;
    if (ordered) {
      inOrder.addLast(p);
    }
    if (runningCount < nWorkers) {
      start(p, p.dispatchNanos);
    } else {
      waiting.addLast(p);
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
    readyBatchBytes.clear();
    heldBytes = 0;
    running.clear();
    waiting.clear();
    chunk = new Task<?>[0];
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

  /** What the backends' threads hand the consumer's thread. */
  private sealed interface Completion permits Pending, Early {}

  /** The results of a running batch's tasks {@code offset} onwards, reported early. */
  private record Early(Pending batch, int offset, List<@Nullable Object> values)
      implements Completion {}

  /** A batch submitted to the backend, or a slice of one whose results arrived early. */
  private static final class Pending implements Completion {
    final List<Task<?>> tasks;
    final long firstIndex;
    long dispatchNanos;
    long startNanos;
    long doneNanos;
    long bytes;
    boolean completed;
    @Nullable BatchResult result;
    @Nullable Throwable error;
    boolean processed;
    // Which of the batch's results were delivered early, and how many.
    @Nullable BitSet early;
    int earlyCount;

    Pending(List<Task<?>> tasks, long firstIndex) {
      this.tasks = tasks;
      this.firstIndex = firstIndex;
    }
  }
}
