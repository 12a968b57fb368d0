package org.joblib4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.joblib4j.internal.Calls;
import org.joblib4j.internal.Checks;
import org.joblib4j.internal.ResultIterator;
import org.joblib4j.internal.Settings;
import org.joblib4j.internal.Sizes;
import org.joblib4j.spi.ParallelBackend;
import org.jspecify.annotations.Nullable;

/**
 * A parallel for-loop over {@link Task}s, joblib's {@code Parallel}.
 *
 * <pre>{@code
 * import static org.joblib4j.Delayed.delayed;
 *
 * // joblib: Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))
 * List<Double> roots = new Parallel().nJobs(2)
 *     .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
 * }</pre>
 *
 * <p>Every option is a wither named after joblib's parameter; an option left unset is taken from
 * the innermost {@link ParallelConfig} scope, then the system property {@code joblib4j.<option>},
 * then the environment variable {@code JOBLIB4J_<OPTION>}, then the default. So library code that
 * calls {@code new Parallel()} runs wherever its caller says.
 *
 * <p>Execution: {@link #run} returns a list in input order; {@link #stream} yields results in
 * input order as they come and {@link #streamUnordered} in completion order, both reading the
 * input lazily; {@link #open} keeps one backend for many calls. The first task that throws ends
 * the call with a {@link TaskFailedException}, after cancelling the rest.
 *
 * <p>This class is immutable: every wither returns a new instance.
 */
public final class Parallel {
  /** The backend used when none is named: {@code threading}, as the JVM has no GIL. */
  public static final String DEFAULT_BACKEND = Calls.DEFAULT_BACKEND;

  private final Settings settings;

  /** Creates a {@code Parallel} with every option unset. */
  public Parallel() {
    this(Settings.EMPTY);
  }

  private Parallel(Settings settings) {
    this.settings = settings;
  }

  /**
   * Sets the number of jobs: 1 runs in the calling thread with no pool, -1 uses all the workers
   * the backend has, -k all but k-1. Unset, the backend's default: 1 locally, every task slot on
   * Spark.
   *
   * @throws IllegalArgumentException for 0
   */
  public Parallel nJobs(int nJobs) {
    return new Parallel(settings.withNJobs(nJobs));
  }

  /** Names the backend: {@code threading}, {@code processes}, {@code spark}, {@code sequential}. */
  public Parallel backend(String backend) {
    Objects.requireNonNull(backend, "backend");
    return new Parallel(settings.withBackend(backend));
  }

  /** Sets a soft hint for the kind of backend, used only when no backend is named. */
  public Parallel prefer(Prefer prefer) {
    return new Parallel(settings.withPrefer(Objects.requireNonNull(prefer)));
  }

  /** Sets a hard constraint: {@link Require#SHARED_MEM} forces a thread-based backend. */
  public Parallel require(Require require) {
    return new Parallel(settings.withRequire(Objects.requireNonNull(require)));
  }

  /**
   * Sets joblib's verbosity: 0 is silent; above 0, progress lines; above 10, a line for every
   * completed batch.
   */
  public Parallel verbose(int verbose) {
    return new Parallel(settings.withVerbose(verbose));
  }

  /**
   * Sets how long the call waits for the next task to finish; past it, the call is cancelled
   * with {@link TaskTimeoutException}.
   */
  public Parallel timeout(Duration timeout) {
    return new Parallel(settings.withTimeout(Objects.requireNonNull(timeout)));
  }

  /** Sets how many tasks are read ahead of the workers. */
  public Parallel preDispatch(int tasks) {
    Checks.requireArgument(tasks > 0, "preDispatch must be positive, got %s", tasks);
    return new Parallel(settings.withPreDispatch(Integer.toString(tasks)));
  }

  /**
   * Sets how many tasks are read ahead, as joblib writes it: {@code "2*n_jobs"} (the default),
   * {@code "all"}, or an arithmetic expression over {@code n_jobs}.
   */
  public Parallel preDispatch(String expression) {
    return new Parallel(settings.withPreDispatch(expression));
  }

  /** Sets a fixed number of tasks per batch. */
  public Parallel batchSize(int batchSize) {
    Checks.requireArgument(
        batchSize > 0, "batchSize must be \"auto\" or a positive integer, got: %s", batchSize);
    return new Parallel(settings.withBatchSize(batchSize));
  }

  /** Sets the batch size as joblib writes it: {@code "auto"} or a positive integer. */
  public Parallel batchSize(String batchSize) {
    if (batchSize.equals("auto")) {
      return new Parallel(settings.withBatchSize(0));
    }
    int n;
    try {
      n = Integer.parseInt(batchSize);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "batchSize must be \"auto\" or a positive integer, got: " + batchSize, e);
    }
    return batchSize(n);
  }

  /** Sets the folder where process backends write large arguments. */
  public Parallel tempFolder(Path tempFolder) {
    return new Parallel(settings.withTempFolder(Objects.requireNonNull(tempFolder)));
  }

  /**
   * Sets the size above which an argument is sent to workers once per call rather than with
   * every task; null disables it. Default 1 MiB.
   */
  public Parallel maxNbytes(@Nullable Long maxNbytes) {
    return new Parallel(settings.withMaxNbytes(maxNbytes == null ? -1L : maxNbytes));
  }

  /** Sets the large-argument threshold as joblib writes it, such as {@code "1M"}. */
  public Parallel maxNbytes(String maxNbytes) {
    return new Parallel(settings.withMaxNbytes(Sizes.parse(maxNbytes)));
  }

  /**
   * Bounds what one call holds in memory: the tasks read from the input and not yet finished,
   * and, for {@code stream} and {@code streamUnordered}, the results not yet read, as estimated
   * from their shallow sizes (a primitive array or a string counts its contents, any other object
   * a fixed few dozen bytes). The input is read only while the estimate is under the bound, and
   * batches never grow past it, so an endless stream of tiny tasks runs in a small heap whatever
   * their speed. joblib's {@code pre_dispatch} bounds the number of batches read ahead; this
   * bounds their bytes, which growing batches of tiny tasks would otherwise make unbounded. A
   * single task larger than the bound still runs, one at a time. Default: an eighth of the
   * maximum heap, between 8 MiB and 256 MiB (32 MiB in a 256 MB heap).
   *
   * @since 0.2
   */
  public Parallel maxInFlight(long bytes) {
    return new Parallel(settings.withMaxInFlight(bytes));
  }

  /** Sets the in-flight bound as joblib writes sizes, such as {@code "64M"}. */
  public Parallel maxInFlight(String size) {
    return new Parallel(settings.withMaxInFlight(Sizes.parse(size)));
  }

  /**
   * Sets how process workers map the large {@code java.nio} buffers among the arguments written to
   * files (joblib's {@code mmap_mode}): read-only by default, copy-on-write, or not at all (a
   * private copy). Arrays are read into the worker's heap in bulk whatever the mode.
   */
  public Parallel mmapMode(MmapMode mmapMode) {
    return new Parallel(settings.withMmapMode(Objects.requireNonNull(mmapMode)));
  }

  /** Sets a listener told of the progress of every call. */
  public Parallel progressListener(ProgressListener listener) {
    return new Parallel(settings.withProgressListener(Objects.requireNonNull(listener)));
  }

  /**
   * Draws a progress bar for every call: a live bar with done/total, rate and time left on a
   * terminal, periodic lines on standard error otherwise. Works on every backend; it is a {@link
   * ProgressBar} set as the {@link #progressListener}.
   */
  public Parallel progressBar() {
    return progressListener(new ProgressBar());
  }

  /** Runs the tasks and returns their results in input order. */
  public <R> List<R> run(Stream<? extends Task<? extends R>> tasks) {
    return this.<R>runPushed(null, Source.of(tasks));
  }

  /** Runs the tasks and returns their results in input order. */
  public <R> List<R> run(Iterable<? extends Task<? extends R>> tasks) {
    return this.<R>start(null, Source.of(tasks), true).toList();
  }

  /** Runs the tasks and returns their results in input order. */
  public <R> List<R> run(Iterator<? extends Task<? extends R>> tasks) {
    return this.<R>start(null, Source.of(tasks), true).toList();
  }

  /**
   * Starts the tasks and returns their results in input order as they come (joblib's {@code
   * return_as="generator"}). Dispatch starts at once; the input is read only as fast as the
   * results are consumed. Closing the stream early cancels what still runs.
   */
  public <R> Stream<R> stream(Stream<? extends Task<? extends R>> tasks) {
    return asStream(this.<R>start(null, Source.of(tasks), true));
  }

  /** Like {@link #stream(Stream)}, over an {@code Iterable}. */
  public <R> Stream<R> stream(Iterable<? extends Task<? extends R>> tasks) {
    return asStream(this.<R>start(null, Source.of(tasks), true));
  }

  /** Like {@link #stream(Stream)}, over an {@code Iterator}. */
  public <R> Stream<R> stream(Iterator<? extends Task<? extends R>> tasks) {
    return asStream(this.<R>start(null, Source.of(tasks), true));
  }

  /**
   * Like {@link #stream(Stream)}, but yields results in completion order (joblib's {@code
   * return_as="generator_unordered"}).
   */
  public <R> Stream<R> streamUnordered(Stream<? extends Task<? extends R>> tasks) {
    return asStream(this.<R>start(null, Source.of(tasks), false));
  }

  /** Like {@link #streamUnordered(Stream)}, over an {@code Iterable}. */
  public <R> Stream<R> streamUnordered(Iterable<? extends Task<? extends R>> tasks) {
    return asStream(this.<R>start(null, Source.of(tasks), false));
  }

  /** Like {@link #streamUnordered(Stream)}, over an {@code Iterator}. */
  public <R> Stream<R> streamUnordered(Iterator<? extends Task<? extends R>> tasks) {
    return asStream(this.<R>start(null, Source.of(tasks), false));
  }

  /**
   * Opens a session that keeps one backend (one pool of threads, workers or one Spark context)
   * for many calls, as joblib's {@code with Parallel(n_jobs=2) as parallel:}. The options are
   * resolved now.
   */
  public Session open() {
    return new Session(plan());
  }

  @Override
  public String toString() {
    Integer n = settings.nJobs();
    return "Parallel(n_jobs=" + (n != null ? n : "default") + ")";
  }

  private Calls.Plan plan() {
    Settings effective = ParallelConfig.effective(settings);
    return Calls.plan(settings, effective, ParallelConfig.nestingLevel());
  }

  private <R> ResultIterator<R> start(
      @Nullable Session session, Source source, boolean ordered) {
    Calls.Plan plan = session != null ? session.plan : plan();
    ParallelBackend backend = session != null ? session.backend() : null;
    Runnable onEnd = onEnd(session, source);
    try {
      return Calls.start(plan, backend, source.iterator(), source.size, ordered, onEnd);
    } catch (RuntimeException | Error e) {
      onEnd.run();
      throw e;
    }
  }

  /** Runs a call over a stream's tasks, which the stream pushes to the dispatcher. */
  private <R> List<R> runPushed(@Nullable Session session, Source source) {
    Runnable onEnd = onEnd(session, source);
    Spliterator<? extends Task<?>> input = source.spliterator;
    if (input == null) {
      throw new IllegalStateException("Only a stream's tasks can be pushed");
    }
    try {
      Calls.Plan plan = session != null ? session.plan : plan();
      ParallelBackend backend = session != null ? session.backend() : null;
      return Calls.run(plan, backend, input, onEnd);
    } catch (RuntimeException | Error e) {
      onEnd.run();
      throw e;
    }
  }

  private static Runnable onEnd(@Nullable Session session, Source source) {
    return session != null
        ? () -> {
          session.running.set(false);
          source.close();
        }
        : source::close;
  }

  private static <R> Stream<R> asStream(ResultIterator<R> results) {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED), false)
        .onClose(results::close);
  }

  /** A task input with its size when known. */
  private static final class Source {
    private final @Nullable Iterator<? extends Task<?>> iterator;
    final @Nullable Spliterator<? extends Task<?>> spliterator;
    final long size;
    final @Nullable AutoCloseable owner;

    private Source(
        @Nullable Iterator<? extends Task<?>> iterator,
        @Nullable Spliterator<? extends Task<?>> spliterator,
        long size,
        @Nullable AutoCloseable owner) {
      this.iterator = iterator;
      this.spliterator = spliterator;
      this.size = size;
      this.owner = owner;
    }

    static Source of(Stream<? extends Task<?>> tasks) {
      Objects.requireNonNull(tasks, "tasks");
      Spliterator<? extends Task<?>> sp = tasks.spliterator();
      return new Source(null, sp, sp.getExactSizeIfKnown(), tasks);
    }

    static Source of(Iterable<? extends Task<?>> tasks) {
      Objects.requireNonNull(tasks, "tasks");
      long size = tasks instanceof Collection<?> c ? c.size() : -1;
      return new Source(tasks.iterator(), null, size, null);
    }

    static Source of(Iterator<? extends Task<?>> tasks) {
      return new Source(Objects.requireNonNull(tasks, "tasks"), null, -1, null);
    }

    /** Returns the tasks one at a time. */
    Iterator<? extends Task<?>> iterator() {
      return iterator != null
          ? iterator
          : Spliterators.iterator(Objects.requireNonNull(spliterator));
    }

    void close() {
      if (owner != null) {
        try {
          owner.close();
        } catch (Exception e) {
          // The input's own close action failed; the call's outcome stands.
        }
      }
    }
  }

  /**
   * A backend kept open for many calls: threads, worker JVMs or a Spark context are reused. One
   * call at a time; close it with try-with-resources. This class is thread-safe.
   */
  public final class Session implements AutoCloseable {
    private final Calls.Plan plan;
    private final AtomicBoolean running = new AtomicBoolean();
    private @Nullable ParallelBackend backend;
    private boolean closed;

    private Session(Calls.Plan plan) {
      this.plan = plan;
      this.backend = plan.createBackend();
    }

    private synchronized ParallelBackend backend() {
      Checks.requireState(!closed, "This Parallel session is closed");
      return Objects.requireNonNull(backend);
    }

    private <R> ResultIterator<R> begin(Source source, boolean ordered) {
      claim(source);
      return Parallel.this.start(this, source, ordered);
    }

    private void claim(Source source) {
      if (!running.compareAndSet(false, true)) {
        source.close();
        throw new IllegalStateException(
            "This Parallel session is already running a call: consume or close its results"
                + " before starting the next call");
      }
    }

    /** Runs the tasks on this session's backend and returns their results in input order. */
    public <R> List<R> run(Stream<? extends Task<? extends R>> tasks) {
      Source source = Source.of(tasks);
      claim(source);
      return Parallel.this.runPushed(this, source);
    }

    /** Runs the tasks on this session's backend and returns their results in input order. */
    public <R> List<R> run(Iterable<? extends Task<? extends R>> tasks) {
      return this.<R>begin(Source.of(tasks), true).toList();
    }

    /** Runs the tasks on this session's backend and returns their results in input order. */
    public <R> List<R> run(Iterator<? extends Task<? extends R>> tasks) {
      return this.<R>begin(Source.of(tasks), true).toList();
    }

    /** As {@link Parallel#stream(Stream)}, on this session's backend. */
    public <R> Stream<R> stream(Stream<? extends Task<? extends R>> tasks) {
      return asStream(this.<R>begin(Source.of(tasks), true));
    }

    /** As {@link Parallel#streamUnordered(Stream)}, on this session's backend. */
    public <R> Stream<R> streamUnordered(Stream<? extends Task<? extends R>> tasks) {
      return asStream(this.<R>begin(Source.of(tasks), false));
    }

    /** Returns the name of this session's backend. */
    public String backendName() {
      return plan.backendName();
    }

    /** Closes the backend: threads end, worker JVMs go back to the shared pool. */
    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      ParallelBackend b = backend;
      backend = null;
      if (b != null) {
        b.close();
      }
    }
  }
}
