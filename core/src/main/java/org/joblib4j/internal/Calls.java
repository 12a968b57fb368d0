package org.joblib4j.internal;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import org.joblib4j.MmapMode;
import org.joblib4j.Prefer;
import org.joblib4j.Require;
import org.joblib4j.Task;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.Capability;
import org.joblib4j.spi.ParallelBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** Turns resolved settings into a backend and a running call. */
public final class Calls {
  /** The backend used when none is named: threads, as the JVM has no GIL. */
  public static final String DEFAULT_BACKEND = "threading";

  private static final Logger log = Logs.get(Calls.class);

  private Calls() {}

  /**
   * What a call will run on.
   *
   * @param backendName the backend's name as the user wrote it (or the default)
   * @param factory the backend's factory
   * @param nJobs the requested number of jobs, or null for the backend's default
   * @param settings the effective settings
   * @param nestingLevel 0 for a top-level call
   */
  public record Plan(
      String backendName,
      BackendFactory factory,
      @Nullable Integer nJobs,
      Settings settings,
      int nestingLevel) {

    /** Returns the options the backend is created with. */
    public BackendOptions backendOptions() {
      Long maxNbytes = settings.maxNbytes();
      MmapMode mmap = settings.mmapMode();
      Integer verbose = settings.verbose();
      return new BackendOptions(
          nJobs,
          verbose != null ? verbose : 0,
          settings.tempFolder(),
          maxNbytes != null ? maxNbytes : BackendOptions.DEFAULT_MAX_NBYTES,
          mmap != null ? mmap : MmapMode.READ_ONLY,
          settings.timeout(),
          nestingLevel);
    }

    /** Returns a new backend for this plan. */
    public ParallelBackend createBackend() {
      return factory.create(backendOptions());
    }

    /** Returns the effective number of workers {@code backend} gives this plan. */
    public int nWorkers(ParallelBackend backend) {
      int requested = nJobs != null ? nJobs : backend.defaultNJobs();
      int n = backend.effectiveNJobs(Checks.checkNJobs(requested));
      if (n < 1) {
        // joblib raises too: a backend with no worker would wait for ever.
        throw new IllegalStateException(
            Checks.format(
                "Backend \"%s\" reports %d workers for nJobs=%d; a backend's effectiveNJobs must"
                    + " return at least 1. Fix or upgrade the library that provides it.",
                backendName,
                n,
                requested));
      }
      return n;
    }

    /** Returns joblib's name for the call, such as {@code Parallel(n_jobs=2)}. */
    public String callName(ParallelBackend backend) {
      int requested = nJobs != null ? nJobs : backend.defaultNJobs();
      return "Parallel(n_jobs=" + requested + ")";
    }
  }

  /**
   * Resolves the backend and {@code nJobs} from the {@code explicit} settings of a {@code
   * Parallel} and the {@code effective} ones (explicit, then scopes, properties, environment),
   * with joblib's rules for {@code prefer} and {@code require}.
   */
  public static Plan plan(Settings explicit, Settings effective, int nestingLevel) {
    Prefer prefer = effective.prefer();
    Require require = effective.require();
    Checks.requireArgument(
        !(prefer == Prefer.PROCESSES && require == Require.SHARED_MEM),
        "prefer(PROCESSES) and require(SHARED_MEM) are inconsistent settings: processes share no"
            + " memory; drop one of them");
    String named = effective.backend();
    String name = named != null ? named : prefer == Prefer.PROCESSES ? "processes" : DEFAULT_BACKEND;
    Integer nJobs = effective.nJobs();
    if (nJobs == null && named != null && explicit.backend() == null) {
      // joblib's parallel_backend(name) defaults to n_jobs=-1: a backend named from outside the
      // call (a scope, a property, the environment) without a number of jobs uses all of its
      // workers, so one property moves library code to every core or the whole cluster.
      nJobs = -1;
    }
    if (nJobs != null && nJobs == 1 && explicit.backend() == null) {
      // One job runs in the calling thread whatever the backend (joblib's sequential path), so a
      // configured backend need not be on this class path, as in a worker or an executor.
      BackendFactory f =
          BackendRegistry.find(name).orElseGet(() -> BackendRegistry.lookup("sequential"));
      return new Plan(name, f, nJobs, effective, nestingLevel);
    }
    BackendFactory factory = BackendRegistry.lookup(name);
    if (require == Require.SHARED_MEM
        && !factory.capabilities().contains(Capability.SHARED_MEMORY)) {
      if (explicit.backend() != null) {
        throw new IllegalArgumentException(
            Checks.format(
                "Backend \"%s\" does not support shared memory, which require(SHARED_MEM) asks"
                    + " for: name a thread-based backend such as \"threading\", or drop"
                    + " require(SHARED_MEM).",
                name));
      }
      // joblib: a scope's process backend gives way to threads, and the scope's nJobs with it.
      Integer verbose = effective.verbose();
      if (verbose != null && verbose >= 10) {
        ProgressReporter.emit(
            Checks.format(
                "Using ThreadingBackend as joblib backend instead of %s as the latter does not"
                    + " provide shared memory semantics.",
                name));
      }
      name = DEFAULT_BACKEND;
      factory = BackendRegistry.lookup(name);
      nJobs = explicit.nJobs();
    }
    return new Plan(name, factory, nJobs, effective, nestingLevel);
  }

  /**
   * Starts a call of {@code plan} over {@code source}. With a {@code sessionBackend} the call
   * runs on it and leaves it open; otherwise it creates a backend and closes it at the end.
   */
  public static <R> ResultIterator<R> start(
      Plan plan,
      @Nullable ParallelBackend sessionBackend,
      Iterator<? extends Task<?>> source,
      long totalTasks,
      boolean ordered,
      Runnable onEnd) {
    return open(plan, sessionBackend, source, false, totalTasks, ordered, onEnd);
  }

  /**
   * Runs a call of {@code plan} over the tasks {@code input} holds and returns their results in
   * input order. The input pushes its tasks to the dispatcher, which is faster than pulling them
   * one by one for a stream; the flow control is the same.
   */
  public static <R> List<R> run(
      Plan plan,
      @Nullable ParallelBackend sessionBackend,
      Spliterator<? extends Task<?>> input,
      Runnable onEnd) {
    ResultIterator<R> results =
        open(
            plan,
            sessionBackend,
            Spliterators.iterator(input),
            true,
            input.getExactSizeIfKnown(),
            true,
            onEnd);
    return results instanceof Dispatcher<R> d ? d.runPushed(input) : results.toList();
  }

  /** joblib's warning that a backend without timeouts ignores the call's {@code timeout}. */
  private static void warnNoTimeout(String backendClass, Settings s) {
    java.time.Duration timeout = s.timeout();
    if (timeout != null) {
      ProgressReporter.warn(
          Checks.format(
              "The backend class '%s' does not support timeout. You have set 'timeout=%s' in"
                  + " Parallel but the 'timeout' parameter will not be used.",
              backendClass,
              seconds(timeout)));
    }
  }

  /** Returns a duration in seconds as joblib writes it: {@code 1}, {@code 0.5}. */
  private static String seconds(java.time.Duration d) {
    return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
  }

  private static <R> ResultIterator<R> open(
      Plan plan,
      @Nullable ParallelBackend sessionBackend,
      Iterator<? extends Task<?>> source,
      boolean pushed,
      long totalTasks,
      boolean ordered,
      Runnable onEnd) {
    Settings s = plan.settings();
    int verbose = s.verbose() != null ? s.verbose() : 0;
    if (sessionBackend == null && plan.nJobs() != null && plan.nJobs() == 1) {
      // joblib's sequential path: no backend at all.
      warnNoTimeout("SequentialBackend", s);
      return new SequentialRun<>(
          source, "Parallel(n_jobs=1)", plan.backendName(), verbose, s.progressListener(),
          totalTasks, onEnd);
    }
    ParallelBackend backend = sessionBackend != null ? sessionBackend : plan.createBackend();
    boolean owns = sessionBackend == null;
    try {
      int nWorkers = plan.nWorkers(backend);
      String callName = plan.callName(backend);
      Set<Capability> caps = plan.factory().capabilities();
      if (!caps.contains(Capability.TIMEOUT)) {
        warnNoTimeout(backend.displayName(), s);
      }
      if (nWorkers == 1) {
        if (owns) {
          backend.close();
        }
        if (caps.contains(Capability.TIMEOUT)) {
          warnNoTimeout("SequentialBackend", s);
        }
        return new SequentialRun<>(
            source, callName, plan.backendName(), verbose, s.progressListener(), totalTasks,
            onEnd);
      }
      boolean timeoutSupported = caps.contains(Capability.TIMEOUT);
      Integer batchSize = s.batchSize();
      String preDispatch = s.preDispatch();
      Dispatcher.Options options =
          new Dispatcher.Options(
              callName,
              plan.backendName(),
              nWorkers,
              ordered,
              timeoutSupported ? s.timeout() : null,
              batchSize != null ? batchSize : 0,
              preDispatch != null ? preDispatch : PreDispatch.DEFAULT,
              verbose,
              totalTasks,
              plan.nestingLevel(),
              s.progressListener(),
              s.maxInFlight() != null ? s.maxInFlight() : Dispatcher.defaultMaxInFlight());
      return new Dispatcher<>(pushed ? null : source, backend, owns, options, onEnd);
    } catch (RuntimeException | Error e) {
      if (owns) {
        try {
          backend.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }
}
