package org.joblib4j.examples;

import static org.joblib4j.Delayed.delayed;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Require;

/**
 * joblib's own examples, run on each backend on the class path ({@code threading}, {@code
 * processes}, and {@code spark} on an embedded {@code local[*]} Spark), printing what each returns
 * and how long it took. Run it from the repository root with {@code mvn -q -B -DskipTests -Pdemo
 * verify}.
 */
public final class Demo {
  /** The backends the demo runs on, in order. */
  static final List<String> BACKENDS = List.of("threading", "processes", "spark");

  private final PrintStream out;

  /** Creates a demo that prints to {@code out}. */
  public Demo(PrintStream out) {
    this.out = out;
  }

  /** Runs the demo on every backend on the class path, then exits. */
  public static void main(String[] args) throws Exception {
    int status = 0;
    try {
      new Demo(System.out).run(args.length > 0 ? List.of(args) : BACKENDS);
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    // Spark's embedded context keeps non-daemon threads; the demo is done.
    System.exit(status);
  }

  /** Runs the examples on the named backends, skipping those not on the class path. */
  public void run(List<String> backends) throws Exception {
    out.println("joblib4j demo: joblib's examples on " + String.join(", ", backends));
    for (String backend : backends) {
      out.println();
      out.println("== backend " + backend);
      if (!ParallelConfig.backendNames().contains(backend)) {
        out.println("skipped: the " + backend + " backend is not on the class path (known: "
            + ParallelConfig.backendNames() + ")");
        continue;
      }
      timed("parallel sqrt", () -> sqrt(backend));
      timed("generator (stream), first result then the rest", () -> generator(backend));
      timed("sharedmem: require(SHARED_MEM) adds to a shared Set", () -> sharedMem(backend));
      timed("a reused session (joblib's accumulate loop)", () -> accumulate(backend));
      timed("verbose(5): 1,000 tasks, number of results", () -> verbose(backend).size());
    }
    out.println();
    out.println("== Memory and persistence");
    DemoStorage.run(out, this::timed);
  }

  /** A piece of the demo that returns what it prints. */
  interface Step {
    Object call() throws Exception;
  }

  /** Runs a step, and prints its result and how long it took. */
  void timed(String what, Step step) throws Exception {
    long t0 = System.nanoTime();
    Object result = step.call();
    double ms = (System.nanoTime() - t0) / 1e6;
    out.printf(Locale.ROOT, "%-55s %9.1f ms  -> %s%n", what, ms, result);
  }

  /** joblib: {@code Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))}. */
  static List<Double> sqrt(String backend) {
    return new Parallel()
        .backend(backend)
        .nJobs(2)
        .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
  }

  /**
   * joblib: {@code Parallel(n_jobs=2, return_as="generator")}: results come in input order while
   * the rest still run; the first one is read, then the others.
   */
  static List<Object> generator(String backend) {
    try (Stream<Double> results =
        new Parallel()
            .backend(backend)
            .nJobs(2)
            .stream(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)))) {
      var it = results.iterator();
      Double first = it.next();
      List<Double> rest = new ArrayList<>();
      it.forEachRemaining(rest::add);
      return List.of(first, rest);
    }
  }

  /**
   * joblib's {@code require='sharedmem'}: tasks add to a set of the caller's heap. Inside a scope
   * that names {@code backend}, {@code require(SHARED_MEM)} still runs the tasks on threads.
   */
  static Set<Integer> sharedMem(String backend) {
    Set<Integer> shared = ConcurrentHashMap.newKeySet();
    try (ParallelConfig.Scope scope = ParallelConfig.backend(backend).enter()) {
      new Parallel()
          .nJobs(2)
          .require(Require.SHARED_MEM)
          .run(IntStream.range(0, 5).mapToObj(i -> delayed(() -> shared.add(i))));
    }
    return new TreeSet<>(shared);
  }

  /** joblib's progress lines (verbose=5) for a call of 1,000 tasks. */
  static List<Double> verbose(String backend) {
    return new Parallel()
        .backend(backend)
        .nJobs(2)
        .verbose(5)
        .run(IntStream.range(0, 1000).mapToObj(i -> delayed(Math::sqrt, (double) i)));
  }

  /**
   * joblib's accumulate example: one session, its pool reused across the calls of a loop whose
   * next input depends on the last results. Returns the accumulator and the number of calls.
   */
  static List<Object> accumulate(String backend) {
    try (Parallel.Session parallel = new Parallel().backend(backend).nJobs(2).open()) {
      double accumulator = 0;
      int nIter = 0;
      while (accumulator < 1000) {
        double a = accumulator;
        List<Double> results =
            parallel.run(IntStream.range(0, 5).mapToObj(i -> delayed(Math::sqrt, a + i * i)));
        accumulator += results.stream().mapToDouble(Double::doubleValue).sum();
        nIter++;
      }
      return List.of(accumulator, nIter);
    }
  }
}
