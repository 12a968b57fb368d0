package org.joblib4j.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.joblib4j.JoblibException;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.LargeArgumentPolicy;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.Serializer;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;
import scala.runtime.BoxedUnit;

/**
 * Runs task batches as Spark jobs on one {@code SparkContext}. This class is thread-safe.
 *
 * <pre>
 * Design note. submit() serializes the batch on the caller's thread (so a task that cannot be
 * serialized fails before anything runs) and queues it; a flush scheduled on the backend's own
 * thread a moment later sends every queued batch as one Spark job with one partition per batch,
 * through SparkContext.submitJob. The dispatcher submits its batches in bursts (the pre-dispatch
 * slice, then one batch per completion drained), so a burst costs one job, not one job per batch.
 * submitJob returns at once; its result handler, called on Spark's scheduler thread as each
 * partition finishes, hands the result bytes to the backend's thread, which decodes them with
 * the caller's class loader and completes that batch's future. No thread waits on a job.
 *
 * Every job of a call carries the call's job tag, description and interruptOnCancel, set as
 * thread-local properties of the flushing thread right before submitJob. cancelAll() marks the
 * call cancelled and cancels its tag under the same lock the flush submits under, so no job of
 * the call starts after it; running tasks are interrupted, and the scheduler's warnings for the
 * tasks killed with this backend's reason are dropped (SparkLogs). Large arguments are broadcast once per call and object (by identity)
 * and destroyed at endCall(); tasks carry a LargeArgument reference instead.
 * </pre>
 */
final class SparkBackend implements ParallelBackend {
  private static final Logger log = LoggerFactory.getLogger(SparkBackend.class);

  /** How long a flush waits for the rest of a burst of submits, in microseconds. */
  private static final long COALESCE_MICROS = 1000;

  /** The system property bounding the wait for executors when nJobs is negative, in seconds. */
  static final String REGISTRATION_TIMEOUT_PROPERTY = "joblib4j.spark.registrationTimeout";

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final AtomicInteger CALLS = new AtomicInteger();

  private final SparkContext sc;
  private final JavaSparkContext jsc;
  private final BackendOptions options;
  private final Serializer serializer;
  private final LargeArgumentPolicy policy;
  private final ClassLoader loader;
  private final ScheduledThreadPoolExecutor worker;
  private final ExecutionContext workerContext;

  private final Object lock = new Object();
  private final List<Pending> queue = new ArrayList<>();
  private final Set<Pending> unfinished = new LinkedHashSet<>();
  private boolean flushScheduled;
  private boolean closed;

  // The current call; guarded by lock.
  private String tag;
  private List<String> callerTags = List.of();
  private String callName = "Parallel";
  private String function = "?";
  private boolean cancelled;
  private boolean jobsSubmitted;
  private final Map<Long, Broadcast<BroadcastPayload>> broadcasts = new ConcurrentHashMap<>();
  // Large-argument bookkeeping of the current call; guarded by itself (the dispatcher's thread
  // and endCall), not by lock, so that serializing a batch never delays completions.
  private final IdentityHashMap<Object, LargeArgument> large = new IdentityHashMap<>();
  private final IdentityHashMap<Object, Boolean> small = new IdentityHashMap<>();

  private SparkBackend(SparkContext sc, BackendOptions options) {
    this.sc = sc;
    this.jsc = JavaSparkContext.fromSparkContext(sc);
    this.options = options;
    this.serializer = Serializer.current();
    this.policy = LargeArgumentPolicy.of(options);
    this.loader = Serializer.contextLoader();
    this.worker =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "joblib4j-spark-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              t.setContextClassLoader(loader);
              return t;
            });
    this.worker.setRemoveOnCancelPolicy(true);
    // Job-end callbacks that arrive after close() run on Spark's thread: they only fail futures.
    this.workerContext =
        ExecutionContext.fromExecutor(
            command -> {
              try {
                worker.execute(command);
              } catch (RejectedExecutionException e) {
                command.run();
              }
            });
    this.tag = newTag();
    try {
      SparkLogs.dropOwnKills();
    } catch (LinkageError e) {
      // Spark logs through something other than Log4j 2: its lines stay as they are.
    }
  }

  static SparkBackend create(BackendOptions options) {
    return new SparkBackend(SparkContexts.get(), options);
  }

  /** Returns the context this backend runs on. */
  SparkContext context() {
    return sc;
  }

  @Override
  public int effectiveNJobs(int nJobs) {
    if (nJobs > 0) {
      return nJobs;
    }
    return Math.max(slots() + 1 + nJobs, 1);
  }

  /** All task slots: joblib's default for a cluster backend. */
  @Override
  public int defaultNJobs() {
    return -1;
  }

  /** Returns the cluster's task slots, waiting (bounded) while executors register. */
  int slots() {
    long timeoutMillis = registrationTimeoutMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      int slots = currentSlots();
      if (slots > 0) {
        return slots;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new JoblibException(
            String.format(
                Locale.ROOT,
                "No Spark executor registered with master %s within %d s, so there is no task"
                    + " slot to run on: check that workers are running and have free cores and"
                    + " memory for this application, set nJobs to a positive number, or raise"
                    + " -D%s (seconds).",
                sc.master(),
                timeoutMillis / 1000,
                REGISTRATION_TIMEOUT_PROPERTY));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JoblibException("Interrupted while waiting for Spark executors to register", e);
      }
    }
  }

  private int currentSlots() {
    if (sc.isStopped()) {
      throw new JoblibException(
          "The SparkContext was stopped; the spark backend cannot run tasks on it. Create a new"
              + " context, or leave the backend to create one.");
    }
    try {
      return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    } catch (LinkageError e) {
      return sc.defaultParallelism();
    }
  }

  private static long registrationTimeoutMillis() {
    String text = System.getProperty(REGISTRATION_TIMEOUT_PROPERTY);
    if (text == null || text.isBlank()) {
      return 30_000;
    }
    try {
      return (long) (Double.parseDouble(text.trim()) * 1000);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "-D"
              + REGISTRATION_TIMEOUT_PROPERTY
              + " must be a number of seconds, got \""
              + text
              + "\"",
          e);
    }
  }

  @Override
  public void startCall(CallInfo call) {
    // Called on the caller's thread: its job tags (Spark keeps them per thread) go on every job
    // of the call beside joblib4j's own, so cancelJobsWithTag(userTag) reaches them too.
    List<String> userTags =
        new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(sc.getJobTags()));
    synchronized (lock) {
      callerTags = userTags;
      tag = newTag();
      callName = call.name();
      function = call.function();
      cancelled = false;
      jobsSubmitted = false;
    }
  }

  @Override
  public CompletableFuture<BatchResult> submit(TaskBatch batch) {
    byte[] payload = prepare(batch);
    Pending p = new Pending(payload, batch.size());
    synchronized (lock) {
      if (closed || cancelled) {
        p.future.completeExceptionally(
            new CancellationException(closed ? "The spark backend is closed" : "Call cancelled"));
        return p.future;
      }
      queue.add(p);
      unfinished.add(p);
      if (!flushScheduled) {
        flushScheduled = true;
        worker.schedule(this::flush, COALESCE_MICROS, TimeUnit.MICROSECONDS);
      }
    }
    return p.future;
  }

  /** Serializes {@code batch}, with large arguments replaced by broadcast references. */
  private byte[] prepare(TaskBatch batch) {
    synchronized (large) {
      TaskBatch b = large.isEmpty() ? batch : replaceLarge(batch);
      byte[] bytes = serializer.toBytes(b);
      if (!policy.isLarge(bytes.length)) {
        return bytes;
      }
      boolean found = false;
      for (Task<?> task : b.tasks()) {
        for (Object arg : task.arguments()) {
          if (!policy.mayBeLarge(arg) || large.containsKey(arg) || small.containsKey(arg)) {
            continue;
          }
          long known = LargeArgumentPolicy.knownSize(arg);
          if (known >= 0 && !policy.isLarge(known)) {
            small.put(arg, Boolean.TRUE);
            continue;
          }
          byte[] argBytes = serializer.toBytes(arg);
          if (policy.isLarge(argBytes.length)) {
            Broadcast<BroadcastPayload> bc =
                jsc.broadcast(new BroadcastPayload(argBytes, serializer.name()));
            broadcasts.put(bc.id(), bc);
            large.put(arg, new LargeArgument(bc.id(), argBytes.length));
            found = true;
          } else {
            small.put(arg, Boolean.TRUE);
          }
        }
      }
      return found ? serializer.toBytes(replaceLarge(batch)) : bytes;
    }
  }

  private TaskBatch replaceLarge(TaskBatch batch) {
    List<Task<?>> tasks = new ArrayList<>(batch.size());
    boolean changed = false;
    for (Task<?> task : batch.tasks()) {
      List<@Nullable Object> args = task.arguments();
      List<@Nullable Object> replaced = null;
      for (int i = 0; i < args.size(); i++) {
        Object arg = args.get(i);
        LargeArgument ref = arg == null ? null : large.get(arg);
        if (ref != null) {
          if (replaced == null) {
            replaced = new ArrayList<>(args);
          }
          replaced.set(i, ref);
        }
      }
      tasks.add(replaced == null ? task : task.withArguments(replaced));
      changed |= replaced != null;
    }
    return changed ? new TaskBatch(tasks, batch.firstIndex(), batch.nested()) : batch;
  }

  /** Sends every queued batch as one job; runs on the backend's thread. */
  private void flush() {
    synchronized (lock) {
      flushScheduled = false;
      if (queue.isEmpty() || cancelled || closed) {
        queue.clear();
        return;
      }
      List<Pending> jobs = new ArrayList<>(queue);
      queue.clear();
      try {
        submitJob(jobs);
        jobsSubmitted = true;
      } catch (RuntimeException | LinkageError e) {
        JoblibException failure =
            new JoblibException(
                String.format(
                    Locale.ROOT,
                    "Could not submit a Spark job for %s on master %s: %s: %s%s",
                    callName,
                    sc.master(),
                    e.getClass().getName(),
                    SparkContexts.firstLine(e.getMessage()),
                    SparkContexts.moduleHint(e)),
                e);
        for (Pending p : jobs) {
          unfinished.remove(p);
          p.future.completeExceptionally(failure);
        }
      }
    }
  }

  private void submitJob(List<Pending> jobs) {
    List<byte[]> payloads = new ArrayList<>(jobs.size());
    List<Object> partitions = new ArrayList<>(jobs.size());
    int tasks = 0;
    for (int i = 0; i < jobs.size(); i++) {
      payloads.add(jobs.get(i).payload);
      partitions.add(i);
      tasks += jobs.get(i).tasks;
    }
    JavaRDD<byte[]> rdd = jsc.parallelize(payloads, payloads.size());
    rdd.setName("joblib4j " + callName + " " + function);
    // This is the backend's own thread: its tags are the caller's plus the call's.
    sc.clearJobTags();
    for (String t : callerTags) {
      sc.addJobTag(t);
    }
    sc.addJobTag(tag);
    sc.setInterruptOnCancel(true);
    sc.setJobDescription(
        String.format(
            Locale.ROOT,
            "joblib4j %s: %s (%d %s, %d %s)",
            callName,
            function,
            jobs.size(),
            jobs.size() == 1 ? "batch" : "batches",
            tasks,
            tasks == 1 ? "task" : "tasks"));
    BatchRunner runner = new BatchRunner(serializer.name(), new HashMap<>(broadcasts));
    SimpleFutureAction<BoxedUnit> action =
        sc.submitJob(
            rdd.rdd(),
            runner,
            scala.jdk.javaapi.CollectionConverters.asScala(partitions).toSeq(),
            (index, bytes) -> {
              onResult(jobs.get((Integer) index), bytes);
              return BoxedUnit.UNIT;
            },
            () -> BoxedUnit.UNIT);
    action.onComplete(
        outcome -> {
          if (outcome.isFailure()) {
            onJobFailed(jobs, outcome.failed().get());
          }
          return BoxedUnit.UNIT;
        },
        workerContext);
  }

  /** Called on Spark's scheduler thread: decodes on the backend's thread. */
  private void onResult(Pending p, byte[] bytes) {
    try {
      worker.execute(() -> complete(p, bytes));
    } catch (RejectedExecutionException e) {
      p.future.completeExceptionally(new CancellationException("The spark backend is closed"));
    }
  }

  private void complete(Pending p, byte[] bytes) {
    synchronized (lock) {
      unfinished.remove(p);
    }
    if (p.future.isDone()) {
      return;
    }
    try {
      p.future.complete(ResultCodec.decode(bytes, serializer, loader));
    } catch (RuntimeException | LinkageError e) {
      p.future.completeExceptionally(
          e instanceof SerializationException
              ? e
              : new JoblibException(
                  "Could not read a batch result from Spark: " + e.getMessage(), e));
    }
  }

  private void onJobFailed(List<Pending> jobs, Throwable error) {
    JoblibException failure = null;
    for (Pending p : jobs) {
      synchronized (lock) {
        unfinished.remove(p);
      }
      if (p.future.isDone()) {
        continue;
      }
      if (failure == null) {
        failure =
            new JoblibException(
                String.format(
                    Locale.ROOT,
                    "A Spark job of %s (%s) failed on master %s; this is an infrastructure"
                        + " failure, such as a lost executor, after Spark's own retries, not an"
                        + " exception of a task: %s%s",
                    callName,
                    function,
                    sc.master(),
                    SparkContexts.firstLine(error.getMessage()),
                    SparkContexts.moduleHint(error)),
                error);
      }
      p.future.completeExceptionally(failure);
    }
  }

  @Override
  public void cancelAll() {
    List<Pending> toCancel;
    synchronized (lock) {
      cancelled = true;
      queue.clear();
      toCancel = new ArrayList<>(unfinished);
      unfinished.clear();
      if (jobsSubmitted && !sc.isStopped()) {
        try {
          sc.cancelJobsWithTag(tag, SparkLogs.KILL_REASON + callName + " as the call ended early");
        } catch (RuntimeException e) {
          log.warn("Could not cancel the Spark jobs tagged {}", tag, e);
        }
      }
    }
    for (Pending p : toCancel) {
      p.future.completeExceptionally(new CancellationException(callName + " was cancelled"));
    }
  }

  @Override
  public void endCall() {
    List<Broadcast<BroadcastPayload>> toDestroy;
    synchronized (large) {
      toDestroy = new ArrayList<>(broadcasts.values());
      broadcasts.clear();
      large.clear();
      small.clear();
    }
    for (Broadcast<BroadcastPayload> b : toDestroy) {
      try {
        b.destroy();
      } catch (RuntimeException e) {
        log.warn("Could not destroy broadcast variable {}", b.id(), e);
      }
    }
  }

  /** Inner calls run on threads, as many as a task owns cores ({@code spark.task.cpus}). */
  @Override
  public NestedConfig nested(CallInfo call) {
    int level = call.nestingLevel() + 1;
    int cpus = Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
    return level == 1 ? new NestedConfig("threading", cpus, level) : NestedConfig.sequential(level);
  }

  /** Half a second: a Spark job costs tens of milliseconds, so batches grow to amortise it. */
  @Override
  public Duration minBatchDuration() {
    return Duration.ofMillis(500);
  }

  /**
   * Spreads an input of known size over the slots in about two rounds: every batch costs a Spark
   * job (about 20 ms on local[2]), so growing batches from one task would cost a job per round.
   */
  @Override
  public int initialBatchSize(long totalTasks, int nWorkers) {
    if (totalTasks <= 0) {
      return 1;
    }
    return (int) Math.max(1, Math.min(1 << 16, totalTasks / (2L * nWorkers)));
  }

  @Override
  public Duration maxBatchDuration() {
    return Duration.ofSeconds(5);
  }

  @Override
  public String displayName() {
    return "SparkBackend";
  }

  @Override
  public void close() {
    boolean running;
    synchronized (lock) {
      if (closed) {
        return;
      }
      running = !unfinished.isEmpty();
    }
    if (running) {
      cancelAll();
    }
    endCall();
    synchronized (lock) {
      closed = true;
    }
    worker.shutdown();
  }

  private static String newTag() {
    return "joblib4j-"
        + CALLS.incrementAndGet()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** One submitted batch. */
  private static final class Pending {
    final byte[] payload;
    final int tasks;
    final CompletableFuture<BatchResult> future = new CompletableFuture<>();

    Pending(byte[] payload, int tasks) {
      this.payload = payload;
      this.tasks = tasks;
    }
  }
}
