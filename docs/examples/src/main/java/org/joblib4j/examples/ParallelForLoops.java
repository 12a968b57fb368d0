package org.joblib4j.examples;

import static org.joblib4j.Delayed.delayed;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.MmapMode;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Prefer;
import org.joblib4j.ProgressBar;
import org.joblib4j.Require;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskTimeoutException;

/** The snippets of the guide's page on parallel for-loops, {@code docs/parallel.md}. */
public final class ParallelForLoops {
  private ParallelForLoops() {}

  /** The first loop: square roots on two threads. */
  public static List<Double> firstLoop() {
    // snippet:first-loop
    // joblib: Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))
    List<Double> roots = new Parallel().nJobs(2)
        .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
    // end:first-loop
    return roots;
  }

  /** joblib's spelling, {@code delayed(f).apply(x)}, and functions of several arguments. */
  public static List<List<Double>> spellings() {
    // snippet:spellings
    List<Double> same = new Parallel().nJobs(2)
        .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt).apply((double) i * i)));

    // two arguments, kept apart from the function
    List<Double> powers = new Parallel().nJobs(2)
        .run(IntStream.range(0, 5).mapToObj(i -> delayed(Math::pow, 2.0, (double) i)));

    // a body with no arguments: fine, but the engine then cannot see (or hash) the arguments
    List<Double> bodies = new Parallel().nJobs(2)
        .run(IntStream.range(0, 5).mapToObj(i -> delayed(() -> Math.sqrt(i))));
    // end:spellings
    return List.of(same, powers, bodies);
  }

  /** Results as they come: in input order, or in completion order. */
  public static List<List<Double>> generators() {
    // snippet:generators
    // joblib: return_as="generator"; the input is read only as fast as results are consumed
    List<Double> firstThree;
    try (Stream<Double> results = new Parallel().nJobs(2)
        .stream(IntStream.range(0, 1_000_000).mapToObj(i -> delayed(Math::sqrt, (double) i)))) {
      firstThree = results.limit(3).collect(Collectors.toList()); // closing cancels the rest
    }

    // joblib: return_as="generator_unordered"
    List<Double> any;
    try (Stream<Double> results = new Parallel().nJobs(2)
        .streamUnordered(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i)))) {
      any = results.collect(Collectors.toList());
    }
    // end:generators
    return List.of(firstThree, any);
  }

  /** One pool for many calls: joblib's accumulate example. */
  public static double session() {
    // snippet:session
    // joblib: with Parallel(n_jobs=2) as parallel: ...
    double accumulator = 0;
    try (Parallel.Session parallel = new Parallel().nJobs(2).open()) {
      while (accumulator < 1000) {
        double a = accumulator;
        List<Double> results =
            parallel.run(IntStream.range(0, 5).mapToObj(i -> delayed(Math::sqrt, a + i * i)));
        accumulator += results.stream().mapToDouble(Double::doubleValue).sum();
      }
    }
    // end:session
    return accumulator;
  }

  /** Shared memory: tasks add to a set in the caller's heap. */
  public static Set<Integer> sharedMemory() {
    // snippet:shared-memory
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    new Parallel().nJobs(2)
        .require(Require.SHARED_MEM) // threads even where a scope names processes or spark
        .run(IntStream.range(0, 5).mapToObj(i -> delayed(() -> seen.add(i))));
    // seen is [0, 1, 2, 3, 4]
    // end:shared-memory
    return seen;
  }

  // snippet:static-list
  /** A list in this JVM's heap; each worker JVM has its own. */
  static final List<Integer> SEEN = Collections.synchronizedList(new ArrayList<>());

  static Integer remember(Integer i) {
    SEEN.add(i);
    return i;
  }

  static List<Integer> rememberOn(String backend) {
    SEEN.clear();
    new Parallel().backend(backend).nJobs(2)
        .run(IntStream.range(0, 5).mapToObj(i -> delayed(ParallelForLoops::remember, i)));
    return new ArrayList<>(SEEN);
    // threading: the 5 numbers, in some order; processes: [] (they went to the workers' lists)
  }
  // end:static-list

  /** The static-list example on one backend. */
  public static List<Integer> staticList(String backend) {
    return rememberOn(backend);
  }

  /** The first task that throws ends the call. */
  public static TaskFailedException errors() {
    // snippet:errors
    try {
      new Parallel().nJobs(2)
          .run(IntStream.range(0, 100).mapToObj(i -> delayed(ParallelForLoops::inverse, i - 50)));
      throw new AssertionError("unreachable");
    } catch (TaskFailedException e) {
      // e.getCause() is the ArithmeticException thrown by inverse(0);
      // e.taskIndex() is 50; the message names the function, its argument and the backend
      return e;
    }
    // end:errors
  }

  static Integer inverse(Integer x) {
    return 100 / x;
  }

  /** A call that waits too long for the next result is cancelled. */
  public static TaskTimeoutException timeout() {
    // snippet:timeout
    try {
      new Parallel().nJobs(2).timeout(Duration.ofMillis(200))
          .run(Stream.of(10, 20, 5_000).map(ms -> delayed(() -> {
            Thread.sleep(ms); // a body (a SerializableCallable) may throw checked exceptions
            return ms;
          })));
      throw new AssertionError("unreachable");
    } catch (TaskTimeoutException e) {
      // no task completed within 200 ms of the last result: the call is cancelled
      return e;
    }
    // end:timeout
  }

  /** Every option of {@code Parallel}. */
  public static List<Integer> everyOption(Path tempFolder) {
    // snippet:every-option
    Parallel parallel = new Parallel()
        .nJobs(-1)                        // all cores; -2 all but one; 1 no pool at all
        .backend("threading")             // or "processes", "spark", "sequential", a registered name
        .prefer(Prefer.THREADS)           // soft hint, used only when no backend is named
        .require(Require.SHARED_MEM)      // hard: forces threads
        .verbose(0)                       // > 0: joblib's progress lines; > 10: every batch
        .timeout(Duration.ofMinutes(5))   // longest wait for the next result
        .preDispatch("2*n_jobs")          // tasks read ahead: an int, "all" or an expression
        .batchSize("auto")                // or a fixed number of tasks per batch
        .tempFolder(tempFolder)           // where process backends write large arguments
        .maxNbytes("1M")                  // larger arguments are sent once per call, not per task
        .mmapMode(MmapMode.READ_ONLY);    // how workers map large java.nio buffers
    List<Integer> lengths = parallel
        .run(Stream.of("a", "bb", "ccc").map(s -> delayed(String::length, s)));
    // end:every-option
    return lengths;
  }

  /** Joblib's verbose progress lines. */
  public static List<Double> verbose() {
    // snippet:verbose
    // prints joblib's lines through SLF4J (logger org.joblib4j.Parallel), e.g.
    // [Parallel(n_jobs=2)]: Using backend ThreadingBackend with 2 concurrent workers.
    // [Parallel(n_jobs=2)]: Done 1000 out of 1000 | elapsed:    0.0s finished
    List<Double> roots = new Parallel().nJobs(2).verbose(5)
        .run(IntStream.range(0, 1000).mapToObj(i -> delayed(Math::sqrt, (double) i)));
    // end:verbose
    return roots;
  }

  /** A progress bar on standard error: live on a terminal, a line every 5 s elsewhere. */
  public static List<Double> progressBar(PrintStream out) {
    // snippet:progress-bar
    List<Double> roots = new Parallel().nJobs(2)
        .progressBar()                             // on a terminal: a live bar, rate and ETA
        .run(IntStream.range(0, 10_000).mapToObj(i -> delayed(Math::sqrt, (double) i)));

    // lines to a stream of your choice, at most one a second
    new Parallel().nJobs(2)
        .progressListener(new ProgressBar(out, Duration.ofSeconds(1)))
        .run(IntStream.range(0, 10_000).mapToObj(i -> delayed(Math::sqrt, (double) i)));
    // [Parallel(n_jobs=2)]: done 10000/10000 tasks (100%) | 412000.3 tasks/s | elapsed 00:00
    // end:progress-bar
    return roots;
  }

  /** A loop that names no backend, as library code writes it. */
  public static List<Double> libraryCode(int n) {
    return new Parallel()
        .run(IntStream.range(0, n).mapToObj(i -> delayed(Math::sqrt, (double) i)));
  }

  /** Scopes redirect library code. */
  public static String scopes() {
    // snippet:scopes
    // joblib: with parallel_config(backend="threading", n_jobs=2): ...
    String seen;
    try (ParallelConfig.Scope outer = ParallelConfig.backend("threading").nJobs(2).enter()) {
      ParallelForLoops.libraryCode(100);              // its new Parallel() gets threading, 2 jobs
      try (ParallelConfig.Scope inner = ParallelConfig.nJobs(1).enter()) {
        seen = ParallelConfig.current().toString();   // backend threading, nJobs 1
      }
    }
    // end:scopes
    return seen;
  }
}
