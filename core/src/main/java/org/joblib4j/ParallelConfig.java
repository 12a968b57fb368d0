package org.joblib4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.joblib4j.internal.BackendRegistry;
import org.joblib4j.internal.Checks;
import org.joblib4j.internal.Settings;
import org.joblib4j.internal.SettingsSource;
import org.joblib4j.internal.Sizes;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.NestedConfig;
import org.jspecify.annotations.Nullable;

/**
 * Scopes that set {@link Parallel} options for the code inside them, without touching that code
 * (joblib's {@code parallel_config}), and the registry of backend names.
 *
 * <pre>{@code
 * try (ParallelConfig.Scope scope = ParallelConfig.backend("spark").nJobs(-1).enter()) {
 *   someLibrary.fit(data);      // its `new Parallel()` now runs on Spark
 * }
 * }</pre>
 *
 * <p>A scope applies to the thread that entered it, until it is closed; scopes nest, and an inner
 * scope inherits what it does not set from the outer one. Precedence, highest first: an option
 * set on the {@code Parallel}; the innermost scope; the system property {@code
 * joblib4j.<option>} (such as {@code -Djoblib4j.backend=spark}); the environment variable {@code
 * JOBLIB4J_<OPTION>} (such as {@code JOBLIB4J_N_JOBS=4}); the built-in default.
 *
 * <p>This class is thread-safe; {@link Builder} is immutable.
 */
public final class ParallelConfig {
  private static final ThreadLocal<@Nullable Frame> FRAMES = new ThreadLocal<>();

  private ParallelConfig() {}

  /** Starts a scope that names the backend. */
  public static Builder backend(String name) {
    return new Builder(Settings.EMPTY).backend(name);
  }

  /** Starts a scope that sets {@code nJobs}. */
  public static Builder nJobs(int nJobs) {
    return new Builder(Settings.EMPTY).nJobs(nJobs);
  }

  /** Starts a scope that sets {@code verbose}. */
  public static Builder verbose(int verbose) {
    return new Builder(Settings.EMPTY).verbose(verbose);
  }

  /** Starts a scope that sets {@code prefer}. */
  public static Builder prefer(Prefer prefer) {
    return new Builder(Settings.EMPTY).prefer(prefer);
  }

  /** Starts a scope that sets {@code require}. */
  public static Builder require(Require require) {
    return new Builder(Settings.EMPTY).require(require);
  }

  /** Starts an empty scope, to set options on. */
  public static Builder builder() {
    return new Builder(Settings.EMPTY);
  }

  /**
   * Registers a backend under {@code name}, next to those {@link java.util.ServiceLoader} finds.
   *
   * @throws IllegalArgumentException if the name is taken
   */
  public static void registerBackend(String name, BackendFactory factory) {
    BackendRegistry.register(name, factory);
  }

  /** Removes a backend registered with {@link #registerBackend}; returns whether there was one. */
  public static boolean unregisterBackend(String name) {
    return BackendRegistry.unregister(name);
  }

  /** Returns every backend name and alias known to this thread, sorted. */
  public static Set<String> backendNames() {
    return BackendRegistry.names();
  }

  /**
   * Returns what a {@code new Parallel()} on this thread would use, from the scopes, system
   * properties and environment.
   */
  public static Current current() {
    Settings s = effective(Settings.EMPTY);
    String backend = s.backend() != null ? s.backend() : Parallel.DEFAULT_BACKEND;
    Frame f = FRAMES.get();
    return new Current(
        backend,
        s.nJobs(),
        s.verbose() != null ? s.verbose() : 0,
        f != null ? f.level : 0);
  }

  /**
   * Marks the calling thread as running tasks of a {@code Parallel} call, so that calls made
   * inside them follow {@code nested}. For backend authors: {@link
   * org.joblib4j.spi.TaskBatch#run()} calls it; a backend that runs tasks some other way calls it
   * around them.
   */
  public static Scope enterNested(NestedConfig nested) {
    Settings s = Settings.EMPTY.withBackend(nested.backend()).withNJobs(nested.nJobs());
    return push(s, nested.level());
  }

  /**
   * Returns {@code explicit} completed by the innermost scope, the system properties and the
   * environment, in that order of precedence.
   */
  static Settings effective(Settings explicit) {
    Frame f = FRAMES.get();
    Settings s = f != null ? explicit.orElse(f.settings) : explicit;
    return s.orElse(SettingsSource.systemProperties()).orElse(SettingsSource.environment());
  }

  /** Returns the nesting level of the calling thread: 0 outside any task. */
  static int nestingLevel() {
    Frame f = FRAMES.get();
    return f != null ? f.level : 0;
  }

  private static Scope push(Settings settings, int level) {
    Frame parent = FRAMES.get();
    Settings merged = parent != null ? settings.orElse(parent.settings) : settings;
    Frame frame = new Frame(merged, level, parent, Thread.currentThread());
    FRAMES.set(frame);
    return new Scope(frame);
  }

  /**
   * What a {@code new Parallel()} would use on this thread.
   *
   * @param backend the backend name
   * @param nJobs the number of jobs, or null for the backend's default
   * @param verbose the verbosity
   * @param nestingLevel 0 outside any task, 1 inside a top-level call's task
   */
  public record Current(String backend, @Nullable Integer nJobs, int verbose, int nestingLevel) {}

  private static final class Frame {
    final Settings settings;
    final int level;
    final @Nullable Frame parent;
    final Thread owner;
    boolean closed;

    Frame(Settings settings, int level, @Nullable Frame parent, Thread owner) {
      this.settings = settings;
      this.level = level;
      this.parent = parent;
      this.owner = owner;
    }
  }

  /**
   * An entered configuration; closing it restores the configuration before it. Confined to the
   * thread that entered it, and closed in the reverse order of entering.
   */
  public static final class Scope implements AutoCloseable {
    private final Frame frame;

    private Scope(Frame frame) {
      this.frame = frame;
    }

    /**
     * Restores the configuration this scope replaced.
     *
     * @throws IllegalStateException if called from another thread, or while a scope entered
     *     after this one is still open
     */
    @Override
    public void close() {
      if (frame.closed) {
        return;
      }
      Checks.requireState(
          Thread.currentThread() == frame.owner,
          "A ParallelConfig scope must be closed by the thread that entered it (%s), not %s",
          frame.owner.getName(),
          Thread.currentThread().getName());
      Checks.requireState(
          FRAMES.get() == frame,
          "ParallelConfig scopes closed out of order: close the innermost scope first (use"
              + " try-with-resources)");
      frame.closed = true;
      if (frame.parent == null) {
        FRAMES.remove();
      } else {
        FRAMES.set(frame.parent);
      }
    }
  }

  /**
   * The options of a scope not yet entered. Every option is a wither named after joblib's
   * parameter, as on {@link Parallel}. This class is immutable.
   */
  public static final class Builder {
    private final Settings settings;

    private Builder(Settings settings) {
      this.settings = settings;
    }

    /** Names the backend; checked when a call uses it. */
    public Builder backend(String name) {
      Objects.requireNonNull(name, "name");
      return new Builder(settings.withBackend(name));
    }

    /** Sets {@code nJobs}: 1 for the calling thread, -1 for all workers, -k for all but k-1. */
    public Builder nJobs(int nJobs) {
      return new Builder(settings.withNJobs(nJobs));
    }

    /** Sets joblib's verbosity. */
    public Builder verbose(int verbose) {
      return new Builder(settings.withVerbose(verbose));
    }

    /** Sets the soft backend hint. */
    public Builder prefer(Prefer prefer) {
      return new Builder(settings.withPrefer(prefer));
    }

    /** Sets the hard backend constraint. */
    public Builder require(Require require) {
      return new Builder(settings.withRequire(require));
    }

    /** Sets the per-task timeout. */
    public Builder timeout(Duration timeout) {
      return new Builder(settings.withTimeout(timeout));
    }

    /** Sets the pre-dispatch expression, such as {@code "2*n_jobs"} or {@code "all"}. */
    public Builder preDispatch(String preDispatch) {
      return new Builder(settings.withPreDispatch(preDispatch));
    }

    /** Sets a fixed batch size. */
    public Builder batchSize(int batchSize) {
      Checks.requireArgument(
          batchSize > 0, "batchSize must be \"auto\" or a positive integer, got: %s", batchSize);
      return new Builder(settings.withBatchSize(batchSize));
    }

    /** Sets the folder for large arguments. */
    public Builder tempFolder(Path tempFolder) {
      return new Builder(settings.withTempFolder(tempFolder));
    }

    /** Sets the large-argument threshold; null disables it. */
    public Builder maxNbytes(@Nullable Long maxNbytes) {
      return new Builder(settings.withMaxNbytes(maxNbytes == null ? -1L : maxNbytes));
    }

    /** Sets the large-argument threshold as joblib writes it, such as {@code "1M"}. */
    public Builder maxNbytes(String maxNbytes) {
      return new Builder(settings.withMaxNbytes(Sizes.parse(maxNbytes)));
    }

    /** Sets the bytes of pending tasks and unread results a call may hold; see Parallel's. */
    public Builder maxInFlight(long bytes) {
      return new Builder(settings.withMaxInFlight(bytes));
    }

    /** Sets the in-flight bound as joblib writes sizes, such as {@code "64M"}. */
    public Builder maxInFlight(String size) {
      return new Builder(settings.withMaxInFlight(Sizes.parse(size)));
    }

    /** Sets how workers map large arguments. */
    public Builder mmapMode(MmapMode mmapMode) {
      return new Builder(settings.withMmapMode(mmapMode));
    }

    /** Enters the scope on the calling thread; close it with try-with-resources. */
    public Scope enter() {
      return push(settings, nestingLevel());
    }

    @Override
    public String toString() {
      return "ParallelConfig" + settings;
    }
  }
}
