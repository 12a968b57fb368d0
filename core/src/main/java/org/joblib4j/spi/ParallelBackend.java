package org.joblib4j.spi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Runs batches of tasks for one {@code Parallel} call, or for every call of one {@code
 * Parallel.Session}. Made by a {@link BackendFactory}.
 *
 * <p>The dispatcher calls the methods of one backend from one thread at a time (the thread that
 * consumes the call's results), never concurrently; the futures a backend returns may complete on
 * any thread. Lifecycle: {@link #effectiveNJobs} any number of times, then for each call {@link
 * #startCall}, {@link #submit} any number of times, possibly {@link #cancelAll}, then {@link
 * #endCall}; finally {@link #close}.
 *
 * @since 0.1
 */
public interface ParallelBackend extends AutoCloseable {

  /**
   * Returns how many workers a call with {@code nJobs} gets: {@code nJobs} itself when positive,
   * all the workers this backend has for -1, all but {@code k - 1} for {@code -k}; at least 1.
   * The dispatcher sizes pre-dispatch and batches by it, and runs the call in the caller's thread
   * when it is 1. {@code nJobs} is never 0.
   */
  int effectiveNJobs(int nJobs);

  /**
   * Returns the number of jobs a call gets when neither the {@code Parallel}, a scope, a system
   * property nor the environment sets one: 1 for local backends, every task slot for a cluster.
   */
  default int defaultNJobs() {
    return 1;
  }

  /**
   * Prepares the workers for a call that uses {@code nWorkers} of them (the result of {@link
   * #effectiveNJobs}), starting or resizing pools. Called on the caller's thread before the call's
   * first batch; an exception thrown here fails the call before any task runs.
   */
  default void startCall(CallInfo call) {}

  /**
   * Starts running {@code batch} and returns a future that completes with its outcome.
   *
   * <p>Returns without waiting for the work. A task that throws makes a {@link
   * BatchResult#failure}, never an exceptionally completed future: exceptional completion is for
   * infrastructure failures only (a worker that died, a lost executor), and their exception
   * reaches the caller as it is. A batch that cannot be serialized may throw here, before
   * anything of it runs. After {@link #cancelAll} the futures of unfinished batches may complete
   * with {@link CancellationException} or never; the dispatcher no longer waits for them.
   */
  CompletableFuture<BatchResult> submit(TaskBatch batch);

  /**
   * Submits {@code batch} as {@link #submit(TaskBatch)} does, and hands {@code early} the results
   * of its first tasks while the rest of it still runs, so that a call that yields results in
   * completion order ({@code streamUnordered}) yields each one soon after its task ends, not when
   * its whole batch does. Each report holds the results of consecutive tasks that no report held
   * before, and all come before the future completes; the future's result still holds every value
   * of the batch. A backend that runs a batch as one unit it cannot look into keeps this default,
   * which reports nothing early.
   *
   * @since 0.2
   */
  default CompletableFuture<BatchResult> submit(TaskBatch batch, EarlyResults early) {
    return submit(batch);
  }

  /**
   * Cancels every batch still queued or running: threads are interrupted, worker processes stopped
   * and replaced, cluster jobs cancelled. The backend stays usable for a later call of the same
   * session. Called on the first failure, on a timeout and when a result stream is closed early;
   * may be called more than once, and must not throw.
   */
  void cancelAll();

  /**
   * Ends a call: removes what the call alone needed (temporary files, broadcast variables).
   * Called once per {@link #startCall}, also after a failure; must not throw.
   */
  default void endCall() {}

  /**
   * Returns where {@code Parallel} calls made inside this backend's tasks run when they name no
   * backend. The default follows joblib: threads (one job unless asked) at the first level,
   * sequential below.
   */
  default NestedConfig nested(CallInfo call) {
    int level = call.nestingLevel() + 1;
    return level == 1 ? new NestedConfig("threading", 1, level) : NestedConfig.sequential(level);
  }

  /**
   * Returns the batch duration the auto-batcher grows batches towards: joblib's 0.2 s. A backend
   * with a high cost per batch (a cluster job) returns more.
   */
  default Duration minBatchDuration() {
    return Duration.ofMillis(200);
  }

  /**
   * Returns the batch size the auto-batcher starts from, and the number of tasks a pre-dispatched
   * batch counts for: joblib's 1. A backend may start larger with an input of known size: one
   * whose every batch costs a lot (a cluster job) may spread the input over its workers in a few
   * rounds, such as {@code totalTasks / (4 * nWorkers)}; one whose batches are cheap may skip the
   * first doublings, each of which waits for a round trip. The auto-batcher adjusts from there.
   *
   * @param totalTasks the number of tasks when the input's size is known, else -1
   * @param nWorkers the workers of the call
   * @since 0.1
   */
  default int initialBatchSize(long totalTasks, int nWorkers) {
    return 1;
  }

  /** Returns the batch duration above which the auto-batcher shrinks batches: joblib's 2 s. */
  default Duration maxBatchDuration() {
    return Duration.ofSeconds(2);
  }

  /**
   * Returns the name used in progress lines, such as {@code ThreadingBackend} in joblib's "Using
   * backend ThreadingBackend with 2 concurrent workers."
   */
  default String displayName() {
    return getClass().getSimpleName();
  }

  /**
   * Releases the backend's resources. Pools shared between backends stay up for reuse. Must not
   * throw.
   */
  @Override
  void close();

  /**
   * What a backend knows of the call it runs.
   *
   * @param name the call's name for logs and cluster UIs, such as {@code Parallel(n_jobs=2)}
   * @param function a description of the first task's function, such as {@code Math.sqrt}
   * @param nWorkers the number of workers the call uses
   * @param nestingLevel 0 for a top-level call
   */
  record CallInfo(String name, String function, int nWorkers, int nestingLevel) {}

  /**
   * Receives the results of some of a batch's tasks while the rest of the batch runs; called on the
   * backend's threads, by more than one at a time when the backend runs parts of a batch in
   * parallel.
   *
   * @since 0.2
   */
  @FunctionalInterface
  interface EarlyResults {
    /**
     * Takes the results of the batch's tasks {@code offset} to {@code offset + values.size() - 1}.
     */
    void arrived(int offset, List<@Nullable Object> values);
  }
}
