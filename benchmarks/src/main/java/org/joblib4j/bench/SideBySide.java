package org.joblib4j.bench;

import static org.joblib4j.Delayed.delayed;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.joblib4j.Joblib;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.SerializableFunction;
import org.joblib4j.memory.Memory;
import org.joblib4j.persist.Compression;
import org.jspecify.annotations.Nullable;

/**
 * Runs every scenario of the benchmark issues (P1 to P10) side by side with its peers in one go,
 * prints a table of ratios and rewrites {@code docs/benchmarks.md} with it, the machine and the
 * date. Peers: Python's joblib (Debian's {@code python3-joblib}, run with {@code
 * /usr/bin/python3}), a plain {@code ExecutorService}, a parallel stream, hand-written Spark RDD
 * code on {@code local[2]} and on a standalone cluster (a Master and one 2-core Worker, separate
 * JVMs the runner starts on 127.0.0.1 and stops), and {@code ObjectOutputStream}.
 *
 * <p>Run from the repository root (six minutes or so on two cores):
 *
 * <pre>
 * mvn -q -B -DskipTests package -pl benchmarks -am
 * java -Xmx6g -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED \
 *   --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
 *   --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
 *   -cp benchmarks/target/benchmarks.jar org.joblib4j.bench.SideBySide
 * </pre>
 *
 * <p>Each figure is the median of a few runs after warm-up runs. System properties, all optional:
 * {@code joblib4j.bench.quick=true} (small sizes for a smoke run; does not rewrite the docs),
 * {@code joblib4j.bench.only=P1,P3} (run some scenarios; does not rewrite the docs unless {@code
 * .out} names a file), {@code joblib4j.bench.reps}, {@code joblib4j.bench.tinyTasks}, {@code
 * .cpuTasks}, {@code .cpuMillis}, {@code .sparkTinyTasks}, {@code .sparkSlowTasks}, {@code
 * .sparkSlowMillis}, {@code .bytes}, {@code .compressibleBytes}, {@code .memoryBytes}, {@code
 * .unevenTasks}, {@code .unevenMedianMillis}, {@code .unevenSigma}, {@code .unevenSeed}, {@code
 * .unevenReps} (P8), {@code .streamSizes} (P9, comma-separated), {@code .streamBudget} (P9: the
 * seconds a size may be expected to take, from the previous size's per-task cost, for it to be
 * started), {@code .python} (the interpreter), {@code .out} (the Markdown file to rewrite, {@code
 * docs/benchmarks.md} by default; {@code none} writes nothing).
 */
public final class SideBySide {
  private static final String COMMAND =
      "mvn -q -B -DskipTests package -pl benchmarks -am && java -Xmx6g"
          + " -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED"
          + " --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
          + " --add-opens=java.base/java.nio=ALL-UNNAMED"
          + " --add-opens=java.base/java.util=ALL-UNNAMED"
          + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar"
          + " org.joblib4j.bench.SideBySide";

  /** The heading from which the hand-written part of the generated page is kept. */
  static final String KEPT_HEADING = "## Analysis";

  private final boolean quick = Boolean.getBoolean("joblib4j.bench.quick");
  private final int reps = intProp("reps", quick ? 3 : 5);
  private final int slowReps = quick ? 1 : 3;
  private final int tinyTasks = intProp("tinyTasks", quick ? 20_000 : 100_000);
  private final int cpuTasks = intProp("cpuTasks", quick ? 8 : 64);
  private final int cpuMillis = intProp("cpuMillis", 50);
  private final int sparkTinyTasks = intProp("sparkTinyTasks", quick ? 2_000 : 10_000);
  private final int sparkSlowTasks = intProp("sparkSlowTasks", quick ? 8 : 64);
  private final int sparkSlowMillis = intProp("sparkSlowMillis", 100);
  private final long bytes = longProp("bytes", quick ? 32L << 20 : 512L << 20);
  private final long compressibleBytes =
      longProp("compressibleBytes", quick ? 32L << 20 : 512L << 20);
  private final long memoryBytes = longProp("memoryBytes", quick ? 8L << 20 : 64L << 20);
  private final int unevenTasks = intProp("unevenTasks", quick ? 40 : 200);
  private final int unevenMedianMillis = intProp("unevenMedianMillis", 20);
  private final double unevenSigma =
      Double.parseDouble(System.getProperty("joblib4j.bench.unevenSigma", "1.5"));
  private final long unevenSeed = longProp("unevenSeed", 2026);
  private final int unevenReps = intProp("unevenReps", quick ? 1 : 3);
  private final String streamSizes =
      System.getProperty(
          "joblib4j.bench.streamSizes",
          quick ? "10000,100000,1000000" : "10000,100000,1000000,10000000");
  private final int streamBudget = intProp("streamBudget", 100);
  private final int closeReps = quick ? 3 : 5;
  private final String only = System.getProperty("joblib4j.bench.only", "");

  private final List<Row> rows = new ArrayList<>();
  private String loadAtStart = "unknown";
  private final List<String> lines = new ArrayList<>();
  private final Path workDir;
  private final PythonPeer python;
  private @Nullable JavaSparkContext spark;

  private SideBySide() throws IOException {
    workDir = Files.createTempDirectory("joblib4j-bench-");
    python = PythonPeer.find(workDir);
  }

  /** Runs the scenarios, prints the table and rewrites the docs page. */
  public static void main(String[] args) throws Exception {
    SideBySide runner = new SideBySide();
    int exit = 0;
    try {
      runner.runAll();
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    } finally {
      runner.close();
    }
    System.exit(exit);
  }

  private void runAll() throws Exception {
    long t0 = System.nanoTime();
    loadAtStart = loadAverage();
    say("joblib4j side-by-side benchmarks" + (quick ? " (quick sizes)" : ""));
    say("load average (1 / 5 / 15 min): " + loadAtStart);
    say(machine());
    if (!python.available()) {
      say("Python joblib column: not installed. " + python.problem());
    } else {
      say("Python joblib " + python.version().orElse("?") + " via " + PythonPeer.DEFAULT_PYTHON);
    }
    scenario("P1", this::p1TinyTasks);
    scenario("P2", this::p2CpuBound);
    scenario("P3", this::p3PoolCalls);
    scenario("P4", this::p4SparkAgainstRdd);
    scenario("P5", this::p5Hash);
    scenario("P6", this::p6DumpLoad);
    scenario("P7", this::p7Memory);
    scenario("P8", this::p8Uneven);
    scenario("P9", this::p9StreamScale);
    scenario("P10", this::p10EarlyClose);
    double minutes = (System.nanoTime() - t0) / 60e9;
    String table = table();
    System.out.println();
    System.out.println(table);
    say(String.format(Locale.ROOT, "whole run: %.1f min", minutes));
    writeDocs(table, minutes);
  }

  private interface Scenario {
    void run() throws Exception;
  }

  private void scenario(String id, Scenario s) {
    if (!only.isEmpty() && !List.of(only.split(",")).contains(id)) {
      return;
    }
    say("running " + id + " ...");
    try {
      // Each scenario starts from a collected heap: earlier ones leave large arrays and a stopped
      // Spark context behind, and a 512 MB allocation must not pay for their garbage.
      System.gc();
      s.run();
    } catch (Exception | Error e) {
      say(id + " failed: " + e);
      e.printStackTrace();
      rows.add(new Row(id, "(failed)", "n/a", "", "", "", "", "failed: " + oneLine(e)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // P1: 100,000 tiny tasks, nJobs=2.

  private void p1TinyTasks() throws Exception {
    int n = tinyTasks;
    String what = String.format(Locale.ROOT, "%,d tiny tasks (sqrt), nJobs=2", n);
    // Calls of milliseconds: each side warms up for seconds, as JMH would, so that the JIT has
    // compiled every hot path; then the three take turns, 20 calls each per turn.
    int warm = quick ? reps : 50;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    ForkJoinPool fj = new ForkJoinPool(2);
    double es;
    double ps;
    double th;
    try {
      double[] m =
          Timing.medians(
              quick ? 0.2 : 3,
              quick ? 2 : 10,
              20,
              () -> TinyTaskBenchmark.executorService(pool, n),
              () -> TinyTaskBenchmark.parallelStream(fj, n),
              () -> TinyTaskBenchmark.joblib4j("threading", n));
      es = m[0];
      ps = m[1];
      th = m[2];
    } finally {
      pool.shutdownNow();
      fj.shutdownNow();
    }
    Map<String, Double> py = Map.of();
    if (python.available()) {
      py = python.run("tiny", n, 1, slowReps, "threading,loky");
    }
    say("P1 threading " + Row.time(th) + ", executor " + Row.time(es) + ", stream " + Row.time(ps));
    rows.add(
        compare("P1", what + ", threading", n, th, "parallel stream", ps, "≥ 0.3× stream", 0.3));
    rows.add(compare("P1", what + ", threading", n, th, "ExecutorService", es, "", 0));
    rows.add(
        comparePython(
            "P1",
            what + ", threading",
            n,
            th,
            "joblib threading",
            py.get("tiny_threading"),
            "≥ 20× joblib threading",
            20));
    if (hasBackend("processes")) {
      double pr = Timing.median(warm, reps, () -> TinyTaskBenchmark.joblib4j("processes", n));
      say("P1 processes " + Row.time(pr));
      rows.add(
          comparePython(
              "P1",
              what + ", processes",
              n,
              pr,
              "joblib loky (warm)",
              py.get("tiny_loky"),
              "≥ 5× loky warm",
              5));
      rows.add(compare("P1", what + ", processes", n, pr, "parallel stream", ps, "", 0));
    } else {
      rows.add(
          missingBackend(
              "P1",
              what + ", processes",
              "processes",
              "joblib loky (warm)",
              py.get("tiny_loky"),
              n));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // P2: 64 CPU-bound tasks of 50 ms, speed-up of nJobs=2 over nJobs=1.

  private void p2CpuBound() throws Exception {
    long rounds = Work.calibrate(cpuMillis);
    String what =
        String.format(
            Locale.ROOT,
            "%d CPU-bound %d ms tasks, speed-up nJobs=2 / nJobs=1",
            cpuTasks,
            cpuMillis);
    Map<String, Double> py = Map.of();
    if (python.available()) {
      py = python.run("cpu", cpuTasks, cpuMillis, 1, slowReps);
    }
    Double loky = null;
    if (py.containsKey("cpu_loky_n1")) {
      loky = py.get("cpu_loky_n1") / py.get("cpu_loky_n2");
    }
    double threading = speedUp("threading", rounds);
    rows.add(speedUpRow("P2", what + ", threading", threading, loky, "", 0));
    if (hasBackend("processes")) {
      double processes = speedUp("processes", rounds);
      rows.add(speedUpRow("P2", what + ", processes", processes, loky, "≥ 1.95×", 1.95));
    } else {
      rows.add(
          notAvailable(
              "P2",
              what + ", processes",
              "joblib loky",
              loky == null ? "n/a" : Row.times(loky),
              "≥ 1.95×",
              "the processes backend"));
    }
    if (hasBackend("spark")) {
      sparkContext();
      double s = speedUp("spark", rounds);
      rows.add(speedUpRow("P2", what + ", spark local[2]", s, loky, "≥ 1.8×", 1.8));
    } else {
      rows.add(
          notAvailable(
              "P2",
              what + ", spark local[2]",
              "joblib loky",
              loky == null ? "n/a" : Row.times(loky),
              "≥ 1.8×",
              "the spark backend"));
    }
  }

  /**
   * Returns the median over runs of (time with one job) / (time with two jobs), the two measured
   * back to back in each run, so that other work on the machine weighs on both alike.
   */
  private double speedUp(String backend, long rounds) throws Exception {
    List<Double> ratios = new ArrayList<>();
    List<Double> ones = new ArrayList<>();
    List<Double> twos = new ArrayList<>();
    for (int rep = 0; rep <= slowReps; rep++) {
      double one = Timing.median(0, 1, () -> cpuCall(backend, 1, rounds));
      double two = Timing.median(0, 1, () -> cpuCall(backend, 2, rounds));
      if (rep > 0) { // the first pair warms up
        ratios.add(one / two);
        ones.add(one);
        twos.add(two);
      }
    }
    say(
        String.format(
            Locale.ROOT,
            "P2 %s: nJobs=1 %s, nJobs=2 %s",
            backend,
            Row.time(median(ones)),
            Row.time(median(twos))));
    return median(ratios);
  }

  private List<Long> cpuCall(String backend, int jobs, long rounds) {
    return new Parallel()
        .backend(backend)
        .nJobs(jobs)
        .run(LongStream.range(0, cpuTasks).mapToObj(i -> delayed(Work::burn, rounds)));
  }

  private static Row speedUpRow(
      String id, String what, double speedUp, @Nullable Double peer, String target, double min) {
    return new Row(
        id,
        what,
        Row.times(speedUp),
        "joblib loky",
        peer == null ? "not installed" : Row.times(peer),
        peer == null ? "n/a" : Row.times(speedUp / peer),
        target,
        target.isEmpty() ? "" : Row.status(speedUp >= min));
  }

  // ---------------------------------------------------------------------------------------------
  // P3: cold and warm worker-pool calls of 10 trivial tasks.

  private void p3PoolCalls() throws Exception {
    Map<String, Double> py = new LinkedHashMap<>();
    if (python.available()) {
      List<Double> colds = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Map<String, Double> r = python.run("pool", 50);
        colds.add(r.get("pool_cold"));
        py.put("pool_warm", r.get("pool_warm"));
      }
      py.put("pool_cold", median(colds));
    }
    for (String backend : List.of("threading", "processes")) {
      String cold = "first call of 10 trivial tasks in a fresh JVM (cold pool), " + backend;
      String warm = "warm call of 10 trivial tasks, " + backend;
      if (!hasBackend(backend)) {
        rows.add(
            notAvailable(
                "P3",
                cold,
                "joblib loky",
                pyTime(py.get("pool_cold")),
                "≤ loky's",
                "the " + backend + " backend"));
        rows.add(
            notAvailable(
                "P3",
                warm,
                "joblib loky",
                pyTime(py.get("pool_warm")),
                "≤ 1 ms",
                "the " + backend + " backend"));
        continue;
      }
      // A program using joblib4j-local has it and core on its class path, not this 230 MB jar
      // with Spark inside: workers start from the parent's class path, so that is what counts.
      String appJar = appClassPath();
      List<Double> colds = new ArrayList<>();
      List<Double> fatColds = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        colds.add(coldCall(backend, appJar).get("cold"));
        fatColds.add(coldCall(backend, System.getProperty("java.class.path")).get("cold"));
      }
      double c = median(colds);
      double fat = median(fatColds);
      // Warm: in this JVM, whose JIT has compiled the dispatch path, on a pool that is up.
      double w =
          Timing.median(
              200,
              201,
              () ->
                  new Parallel()
                      .backend(backend)
                      .nJobs(2)
                      .run(IntStream.range(0, 10).mapToObj(i -> delayed(Work::identity, -i))));
      say(
          "P3 "
              + backend
              + ": cold "
              + Row.time(c)
              + " ("
              + Row.time(fat)
              + " from the benchmarks jar), warm "
              + Row.time(w));
      boolean processes = backend.equals("processes");
      rows.add(
          timeRow(
              "P3",
              cold + ", class path: joblib4j-core, joblib4j-local and their" + " dependencies",
              c,
              "joblib loky",
              py.get("pool_cold"),
              processes ? "≤ loky's" : "",
              processes ? c <= nz(py.get("pool_cold")) : null));
      rows.add(
          timeRow(
              "P3",
              cold + ", class path: the 230 MB benchmarks jar (Spark inside)",
              fat,
              "joblib loky",
              py.get("pool_cold"),
              "",
              null));
      rows.add(
          timeRow(
              "P3",
              warm,
              w,
              "joblib loky",
              py.get("pool_warm"),
              processes ? "≤ 1 ms" : "",
              processes ? w <= 0.001 : null));
    }
  }

  /** Returns the jar of joblib4j-core, joblib4j-local and their dependencies beside this one. */
  private static String appClassPath() {
    Path self = Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]);
    Path app = self.toAbsolutePath().resolveSibling("benchmarks-app.jar");
    return Files.isRegularFile(app) ? app.toString() : System.getProperty("java.class.path");
  }

  private Map<String, Double> coldCall(String backend, String classPath)
      throws IOException, InterruptedException {
    return freshJvm(classPath, ColdCall.class.getName(), backend);
  }

  /** Returns this JVM's java command with its module and system property options. */
  private static List<String> javaCommand() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-D")) {
        command.add(a);
      }
    }
    return command;
  }

  /**
   * Runs {@code mainClass} with {@code args} in a fresh JVM with this JVM's module and system
   * property options, and returns the figures it printed as {@code RESULT <name> <value>} lines.
   */
  private static Map<String, Double> freshJvm(String classPath, String mainClass, String... args)
      throws IOException, InterruptedException {
    List<String> command = javaCommand();
    command.addAll(List.of("-cp", classPath, mainClass));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    Map<String, Double> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        all.add(line);
        if (line.startsWith("RESULT ")) {
          String[] parts = line.split(" ");
          out.put(parts[1], Double.parseDouble(parts[2]));
        }
      }
    }
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0 || out.size() < 2) {
      p.destroyForcibly();
      throw new IOException(
          "fresh JVM failed for "
              + mainClass
              + " "
              + String.join(" ", args)
              + ": "
              + String.join("\n", all));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // P4: the spark backend against hand-written RDD code, on local[2] and a standalone cluster.

  private void p4SparkAgainstRdd() throws Exception {
    p4Workloads(sparkContext(), "spark local[2]");
    // Only one SparkContext may be active in a JVM: the local one goes before the cluster's.
    stopSpark();
    p4Standalone();
  }

  /**
   * Measures the two P4 workloads on {@code jsc}, hand-written and through the spark backend (which
   * uses the active context), and adds their rows under the name {@code where}.
   */
  private void p4Workloads(JavaSparkContext jsc, String where) throws Exception {
    int slices = jsc.defaultParallelism();
    List<Double> tiny =
        IntStream.range(0, sparkTinyTasks).mapToObj(i -> (double) i).collect(Collectors.toList());
    List<Integer> slow =
        IntStream.range(0, sparkSlowTasks)
            .mapToObj(i -> sparkSlowMillis)
            .collect(Collectors.toList());
    double handTiny =
        Timing.median(reps, reps, () -> jsc.parallelize(tiny, slices).map(Math::sqrt).collect());
    double handSlow =
        Timing.median(1, slowReps, () -> jsc.parallelize(slow, slices).map(Work::sleep).collect());
    say(
        "P4 "
            + where
            + " hand-written RDD: tiny "
            + Row.time(handTiny)
            + ", slow "
            + Row.time(handSlow));
    String tinyWhat = String.format(Locale.ROOT, "%,d tiny tasks, %s", sparkTinyTasks, where);
    String slowWhat =
        String.format(Locale.ROOT, "%d tasks of %d ms, %s", sparkSlowTasks, sparkSlowMillis, where);
    String peer = "hand-written RDD code";
    if (!hasBackend("spark")) {
      rows.add(
          notAvailable("P4", tinyWhat, peer, Row.time(handTiny), P4_TARGET, "the spark backend"));
      rows.add(
          notAvailable("P4", slowWhat, peer, Row.time(handSlow), P4_TARGET, "the spark backend"));
      return;
    }
    double jTiny =
        Timing.median(
            reps,
            reps,
            () ->
                new Parallel()
                    .backend("spark")
                    .nJobs(2)
                    .run(tiny.stream().map(x -> delayed(Math::sqrt, x))));
    double jSlow =
        Timing.median(
            1,
            slowReps,
            () ->
                new Parallel()
                    .backend("spark")
                    .nJobs(2)
                    .run(slow.stream().map(ms -> delayed(Work::sleep, ms))));
    say("P4 " + where + " spark backend: tiny " + Row.time(jTiny) + ", slow " + Row.time(jSlow));
    rows.add(compare("P4", tinyWhat, sparkTinyTasks, jTiny, peer, handTiny, P4_TARGET, 1 / 1.2));
    rows.add(compare("P4", slowWhat, sparkSlowTasks, jSlow, peer, handSlow, P4_TARGET, 1 / 1.2));
  }

  private static final String P4_TARGET = "≤ 1.2× hand-written time";

  /**
   * Runs the P4 workloads on a standalone cluster of one Master and one 2-core Worker started for
   * the purpose, the runner's JVM being the driver; stops the context and the cluster whatever
   * happens. A cluster that does not come up gives "not available" rows.
   */
  private void p4Standalone() throws Exception {
    int cores = 2;
    String where = "spark standalone (1 worker, " + cores + " cores)";
    Duration timeout = Duration.ofSeconds(90);
    StandaloneSpark cluster;
    try {
      cluster = StandaloneSpark.start(workDir, cores, timeout);
    } catch (IOException | RuntimeException e) {
      say("P4 standalone cluster did not start: " + e.getMessage());
      p4StandaloneUnavailable(where, "the standalone cluster did not start: " + oneLine(e));
      return;
    }
    try {
      SparkConf conf =
          new SparkConf()
              .setMaster(cluster.masterUrl())
              .setAppName("joblib4j-benchmarks")
              .set("spark.ui.enabled", "false")
              .set("spark.driver.host", "127.0.0.1")
              .set("spark.driver.bindAddress", "127.0.0.1")
              .set("spark.executor.cores", Integer.toString(cores))
              .set("spark.cores.max", Integer.toString(cores))
              .set("spark.executor.memory", "1g")
              .set("spark.executor.extraJavaOptions", String.join(" ", cluster.opens()))
              .set("spark.scheduler.minRegisteredResourcesRatio", "1.0");
      spark = new JavaSparkContext(conf);
      // The status tracker lists the driver too: one more entry is the Worker's executor, which
      // has all the cores (spark.executor.cores).
      long deadline = System.nanoTime() + timeout.toNanos();
      while (spark.sc().statusTracker().getExecutorInfos().length < 2) {
        if (System.nanoTime() > deadline) {
          say(
              "P4 standalone: no executor registered within "
                  + timeout.toSeconds()
                  + " s; worker"
                  + " log:\n"
                  + cluster.tail("worker"));
          p4StandaloneUnavailable(
              where, "no executor registered within " + timeout.toSeconds() + " s");
          return;
        }
        Thread.sleep(100);
      }
      say("P4 standalone cluster at " + cluster.masterUrl() + ", executors registered");
      p4Workloads(spark, where);
    } finally {
      stopSpark();
      cluster.close();
    }
  }

  private void p4StandaloneUnavailable(String where, String reason) {
    for (String what :
        List.of(
            String.format(Locale.ROOT, "%,d tiny tasks, %s", sparkTinyTasks, where),
            String.format(
                Locale.ROOT, "%d tasks of %d ms, %s", sparkSlowTasks, sparkSlowMillis, where))) {
      rows.add(
          new Row(
              "P4",
              what,
              "n/a",
              "hand-written RDD code",
              "n/a",
              "n/a",
              P4_TARGET,
              "not available: " + reason));
    }
  }

  private void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  private JavaSparkContext sparkContext() {
    if (spark == null) {
      SparkConf conf =
          new SparkConf()
              .setMaster("local[2]")
              .setAppName("joblib4j-benchmarks")
              .set("spark.ui.enabled", "false")
              .set("spark.driver.host", "127.0.0.1")
              .set("spark.driver.bindAddress", "127.0.0.1");
      spark = new JavaSparkContext(conf);
    }
    return spark;
  }

  // ---------------------------------------------------------------------------------------------
  // P5: Joblib.hash of 512 MB.

  private void p5Hash() throws Exception {
    Map<String, Double> py = pythonPersist();
    String what = "Joblib.hash of a " + mb(bytes) + " double[]";
    double t;
    {
      double[] a = LongStream.range(0, bytes / 8).mapToDouble(i -> i).toArray();
      t = Timing.median(1, slowReps, () -> Joblib.hash(a));
    }
    say("P5 Joblib.hash " + Row.gbps(bytes, t));
    rows.add(
        bandwidthRow(
            "P5", what, bytes, t, "joblib.hash", py.get("hash"), "≥ 3 GB/s", bytes / t / 1e9 >= 3));
  }

  private Map<String, Double> pythonPersist = Map.of();

  private Map<String, Double> pythonPersist() throws IOException {
    if (pythonPersist.isEmpty() && python.available()) {
      pythonPersist = python.run("persist", bytes, compressibleBytes, 1, slowReps);
    }
    return pythonPersist;
  }

  // ---------------------------------------------------------------------------------------------
  // P6: dump and load of 512 MB raw, and compressed.

  private void p6DumpLoad() throws Exception {
    Map<String, Double> py = pythonPersist();
    String dump = "Joblib.dump of a " + mb(bytes) + " double[], raw";
    String load = "Joblib.load of a " + mb(bytes) + " double[], raw";
    Path raw = workDir.resolve("raw.jl");
    Path oos = workDir.resolve("oos.bin");
    double dumpRaw;
    double oosWrite;
    double channelWrite;
    double channelRead;
    {
      double[] a = LongStream.range(0, bytes / 8).mapToDouble(i -> i).toArray();
      dumpRaw = Timing.median(1, slowReps, () -> dumpTo(a, raw, Compression.NONE));
      oosWrite = Timing.median(1, slowReps, () -> writeObject(a, oos));
      channelWrite = Timing.median(1, slowReps, () -> writeChannel(a, workDir.resolve("fc.bin")));
    }
    channelRead = Timing.median(1, slowReps, () -> readChannel(workDir.resolve("fc.bin")));
    Files.deleteIfExists(workDir.resolve("fc.bin"));
    double loadRaw = Timing.median(1, slowReps, () -> Joblib.load(raw, double[].class));
    double oosRead = Timing.median(1, slowReps, () -> readObject(oos));
    double[] back = Joblib.load(raw, double[].class);
    if (back == null || back.length != bytes / 8 || back[back.length - 1] != back.length - 1) {
      throw new IllegalStateException("Joblib.load did not give back the array it was given");
    }
    back = null;
    Files.deleteIfExists(raw);
    Files.deleteIfExists(oos);
    say(
        "P6 raw: dump "
            + Row.gbps(bytes, dumpRaw)
            + ", load "
            + Row.gbps(bytes, loadRaw)
            + "; ObjectOutputStream write "
            + Row.gbps(bytes, oosWrite)
            + ", read "
            + Row.gbps(bytes, oosRead));
    Double pyDump = py.get("dump_raw");
    Double pyLoad = py.get("load_raw");
    rows.add(
        bandwidthRow(
            "P6",
            dump,
            bytes,
            dumpRaw,
            "joblib.dump",
            pyDump,
            "≥ 1 GB/s, ≥ 2× joblib",
            bytes / dumpRaw / 1e9 >= 1 && (pyDump == null || pyDump / dumpRaw >= 2)));
    rows.add(
        bandwidthRow(
            "P6",
            dump,
            bytes,
            dumpRaw,
            "ObjectOutputStream",
            oosWrite,
            "≥ 10× ObjectOutputStream",
            oosWrite / dumpRaw >= 10));
    rows.add(
        bandwidthRow(
            "P6",
            load,
            bytes,
            loadRaw,
            "joblib.load",
            pyLoad,
            "≥ 1 GB/s, ≥ 2× joblib",
            bytes / loadRaw / 1e9 >= 1 && (pyLoad == null || pyLoad / loadRaw >= 2)));
    rows.add(
        bandwidthRow(
            "P6",
            load,
            bytes,
            loadRaw,
            "ObjectInputStream",
            oosRead,
            "≥ 10× ObjectInputStream",
            oosRead / loadRaw >= 10));
    rows.add(
        new Row(
            "P6",
            "the file system's own speed: " + mb(bytes) + " through one FileChannel, write / read",
            Row.gbps(bytes, dumpRaw) + " / " + Row.gbps(bytes, loadRaw),
            "FileChannel",
            Row.gbps(bytes, channelWrite) + " / " + Row.gbps(bytes, channelRead),
            Row.times(channelWrite / dumpRaw) + " / " + Row.times(channelRead / loadRaw),
            "",
            ""));

    coldDumpRow();

    String zlib =
        py.containsKey("size_zlib3")
            ? codecFigures(
                compressibleBytes,
                py.get("dump_zlib3"),
                py.get("load_zlib3"),
                py.get("size_zlib3").longValue())
            : "not installed";
    double[] c = LongStream.range(0, compressibleBytes / 8).mapToDouble(i -> i % 1000).toArray();
    for (Compression codec :
        List.of(Compression.of(Compression.Codec.LZ4), Compression.of(Compression.Codec.ZSTD, 3))) {
      String name = codec.codec() == Compression.Codec.LZ4 ? "lz4" : "zstd-3";
      Path file = workDir.resolve("c.jl" + codec.codec().extension());
      double d = Timing.median(1, slowReps, () -> dumpTo(c, file, codec));
      double l = Timing.median(1, slowReps, () -> Joblib.load(file, double[].class));
      long size = Files.size(file);
      Files.deleteIfExists(file);
      say(
          "P6 "
              + name
              + ": dump "
              + Row.gbps(compressibleBytes, d)
              + ", load "
              + Row.gbps(compressibleBytes, l)
              + ", "
              + size
              + " bytes");
      String ratio =
          py.containsKey("size_zlib3")
              ? "dump "
                  + Row.times(py.get("dump_zlib3") / d)
                  + ", load "
                  + Row.times(py.get("load_zlib3") / l)
                  + ", size "
                  + Row.times(py.get("size_zlib3") / size)
              : "n/a";
      rows.add(
          new Row(
              "P6",
              "dump / load of a compressible "
                  + mb(compressibleBytes)
                  + " double[] (`i % 1000`), "
                  + name,
              codecFigures(compressibleBytes, d, l, size),
              "joblib zlib-3",
              zlib,
              ratio,
              "speed and size against zlib-3",
              ""));
    }
  }

  /**
   * Adds the row of the first dump in a fresh JVM against later dumps in that JVM ({@link
   * ColdDump}, a graph of a few large arrays, uncompressed), the median of three fresh JVMs, each
   * ratio taken within one JVM. Beside it the same for one {@code FileChannel} writing the same
   * bytes: what the first write to new page-cache pages costs on this machine whatever writes.
   */
  private void coldDumpRow() throws IOException, InterruptedException {
    String megabytes = quick ? "32" : "256";
    String classPath = System.getProperty("java.class.path");
    List<Double> ratios = new ArrayList<>();
    List<Double> colds = new ArrayList<>();
    List<Double> warms = new ArrayList<>();
    List<Double> channelRatios = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Map<String, Double> r =
          freshJvm(classPath, ColdDump.class.getName(), "model.jl", megabytes, "7", "joblib");
      colds.add(r.get("dump_cold"));
      warms.add(r.get("dump_warm"));
      ratios.add(r.get("dump_warm") / r.get("dump_cold"));
      Map<String, Double> c =
          freshJvm(classPath, ColdDump.class.getName(), "model.jl", megabytes, "7", "channel");
      channelRatios.add(c.get("dump_warm") / c.get("dump_cold"));
    }
    long size = Long.parseLong(megabytes) << 20;
    double ratio = median(ratios);
    double channelRatio = median(channelRatios);
    say(
        String.format(
            Locale.ROOT,
            "P6 cold dump: first %s, warm %s, cold/warm %.2f" + " (FileChannel %.2f)",
            Row.gbps(size, median(colds)),
            Row.gbps(size, median(warms)),
            ratio,
            channelRatio));
    rows.add(
        new Row(
            "P6",
            "first Joblib.dump of a "
                + megabytes
                + " MB graph (a record of a"
                + " double[] and a long[]) in a fresh JVM, against later dumps in it: cold / warm",
            Row.gbps(size, median(colds))
                + " / "
                + Row.gbps(size, median(warms))
                + " = "
                + Row.times(ratio),
            "FileChannel, cold / warm",
            Row.times(channelRatio),
            Row.times(ratio / channelRatio),
            "≥ 0.7×",
            Row.status(ratio >= 0.7)));
  }

  private static Object dumpTo(Object value, Path file, Compression compression) {
    Joblib.dump(value, file, compression);
    return file;
  }

  private static String codecFigures(long bytes, double dump, double load, long size) {
    return "dump "
        + Row.gbps(bytes, dump)
        + ", load "
        + Row.gbps(bytes, load)
        + ", "
        + Row.times((double) bytes / size)
        + " smaller";
  }

  private static Row bandwidthRow(
      String id,
      String what,
      long bytes,
      double mine,
      String peer,
      @Nullable Double theirs,
      String target,
      boolean met) {
    return new Row(
        id,
        what,
        Row.time(mine) + " (" + Row.gbps(bytes, mine) + ")",
        peer,
        theirs == null ? "not installed" : Row.time(theirs) + " (" + Row.gbps(bytes, theirs) + ")",
        theirs == null ? "n/a" : Row.times(theirs / mine),
        target,
        Row.status(met));
  }

  /** Writes the array's bytes with one channel: what the file system allows, with no format. */
  private static Object writeChannel(double[] a, Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      int i = 0;
      while (i < a.length) {
        buf.clear();
        int n = Math.min(buf.capacity() / 8, a.length - i);
        buf.asDoubleBuffer().put(a, i, n);
        buf.limit(n * 8);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        i += n;
      }
    }
    return file;
  }

  /** Reads a file written by {@link #writeChannel} back into an array. */
  private static Object readChannel(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      double[] a = new double[(int) (ch.size() / 8)];
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      int i = 0;
      while (i < a.length) {
        buf.clear();
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // fill the buffer
        }
        buf.flip();
        int n = Math.min(buf.remaining() / 8, a.length - i);
        buf.asDoubleBuffer().get(a, i, n);
        i += n;
      }
      return a;
    }
  }

  private static Object writeObject(double[] a, Path file) throws IOException {
    try (ObjectOutputStream out =
        new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
      out.writeObject(a);
    }
    return file;
  }

  private static Object readObject(Path file) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in =
        new ObjectInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      return in.readObject();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // P7: Memory hits with a small and a 64 MB argument.

  private void p7Memory() throws Exception {
    Map<String, Double> py = Map.of();
    if (python.available()) {
      py = python.run("memory", memoryBytes, 3, reps);
    }
    Path folder = workDir.resolve("memory");
    Memory memory = new Memory(folder).verbose(0);
    SerializableFunction<double[], double[]> square = memory.cache(Work::square);
    double[] small = LongStream.range(0, 100).mapToDouble(i -> i).toArray();
    square.apply(small);
    double tSmall = Timing.median(500, 501, () -> square.apply(small));
    double tBig;
    {
      double[] big = LongStream.range(0, memoryBytes / 8).mapToDouble(i -> i).toArray();
      square.apply(big);
      tBig = Timing.median(2, reps, () -> square.apply(big));
    }
    if (Work.SQUARE_CALLS.get() != 2) {
      throw new IllegalStateException(
          "expected every timed call to be a cache hit, but square ran "
              + Work.SQUARE_CALLS.get()
              + " times");
    }
    say("P7 Memory hit: small " + Row.time(tSmall) + ", " + mb(memoryBytes) + " " + Row.time(tBig));
    rows.add(
        timeRow(
            "P7",
            "Memory hit, small argument (double[100])",
            tSmall,
            "joblib Memory",
            py.get("memory_small"),
            "≤ 0.1 ms",
            tSmall <= 0.0001));
    rows.add(
        timeRow(
            "P7",
            "Memory hit, " + mb(memoryBytes) + " double[] argument (and result)",
            tBig,
            "joblib Memory",
            py.get("memory_big"),
            "≤ 40 ms",
            tBig <= 0.040));
  }

  // ---------------------------------------------------------------------------------------------
  // P8: 200 sleeping tasks of log-normal durations, nJobs=2, against the lower bound and loky.

  private static final String P8_BOUND_TARGET = "≤ 1.15× the bound";

  /*
   * The tasks sleep rather than burn the CPU: on two cores shared with the dispatcher (and, on
   * this machine, with other builds) CPU-bound tasks would not run truly in parallel, and the
   * lower bound max(total work / 2, longest task) would not be one. A sleeping task holds its
   * worker for exactly its duration whatever else runs, so the gap to the bound is the
   * scheduling: batches that put long tasks behind each other, idle workers at the tail, and the
   * cost of each dispatch. Every backend and loky get the same list of durations.
   */
  private void p8Uneven() throws Exception {
    long[] micros =
        UnevenTasks.logNormalMicros(unevenTasks, unevenMedianMillis * 1e3, unevenSigma, unevenSeed);
    double bound = UnevenTasks.lowerBoundSeconds(micros, 2);
    double greedy = UnevenTasks.greedySeconds(micros, 2);
    String what =
        String.format(
            Locale.ROOT,
            "%d sleeping tasks of log-normal durations (median %d ms, σ %s, seed %d: %s of"
                + " work, longest %s), nJobs=2",
            unevenTasks,
            unevenMedianMillis,
            unevenSigma,
            unevenSeed,
            Row.time(UnevenTasks.totalSeconds(micros)),
            Row.time(UnevenTasks.longestSeconds(micros)));
    say(
        String.format(
            Locale.ROOT,
            "P8 durations: total %s, longest %s; lower bound %s; greedy in input order %s (%.3f×"
                + " the bound)",
            Row.time(UnevenTasks.totalSeconds(micros)),
            Row.time(UnevenTasks.longestSeconds(micros)),
            Row.time(bound),
            Row.time(greedy),
            greedy / bound));
    List<Double> loky = new ArrayList<>();
    if (python.available()) {
      Path file = workDir.resolve("uneven.txt");
      Files.write(
          file, LongStream.of(micros).mapToObj(Long::toString).collect(Collectors.toList()));
      Map<String, Double> py = python.run("uneven", file, 1, unevenReps);
      for (int i = 0; py.containsKey("uneven_loky_" + i); i++) {
        loky.add(py.get("uneven_loky_" + i));
      }
      say("P8 joblib loky: " + spread(loky, bound));
    }
    String lokyFigure =
        loky.isEmpty()
            ? "not installed"
            : Row.time(median(loky))
                + " = "
                + Row.times(median(loky) / bound)
                + " the bound"
                + range(loky);
    String boundPeer = "lower bound max(work / 2, longest task)";
    for (String backend : List.of("threading", "processes", "spark")) {
      String where = what + ", " + (backend.equals("spark") ? "spark local[2]" : backend);
      if (!hasBackend(backend)) {
        rows.add(
            notAvailable(
                "P8",
                where,
                boundPeer,
                Row.time(bound),
                P8_BOUND_TARGET,
                "the " + backend + " backend"));
        rows.add(
            notAvailable(
                "P8",
                where,
                "joblib loky (n_jobs=2)",
                lokyFigure,
                "faster than loky",
                "the " + backend + " backend"));
        continue;
      }
      if (backend.equals("spark")) {
        sparkContext();
      }
      // A warm-up call of short tasks starts the pool (threads, worker JVMs or Spark's executor
      // threads); each measured call then starts from a warm pool, as loky's do.
      unevenCall(backend, new long[] {1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000});
      List<Double> times = new ArrayList<>();
      for (int i = 0; i < unevenReps; i++) {
        long t0 = System.nanoTime();
        unevenCall(backend, micros);
        times.add((System.nanoTime() - t0) / 1e9);
      }
      double mine = median(times);
      say("P8 " + backend + ": " + spread(times, bound));
      rows.add(
          new Row(
              "P8",
              where,
              Row.time(mine) + " = " + Row.times(mine / bound) + " the bound" + range(times),
              boundPeer,
              Row.time(bound) + " (greedy in input order: " + Row.times(greedy / bound) + ")",
              Row.times(bound / mine),
              P8_BOUND_TARGET,
              Row.status(mine <= 1.15 * bound)));
      rows.add(
          new Row(
              "P8",
              where,
              Row.time(mine) + range(times),
              "joblib loky (n_jobs=2)",
              lokyFigure,
              loky.isEmpty() ? "n/a" : Row.times(median(loky) / mine),
              "faster than loky",
              loky.isEmpty() ? "" : Row.status(mine < median(loky))));
    }
  }

  private static List<Long> unevenCall(String backend, long[] micros) {
    List<Long> out =
        new Parallel()
            .backend(backend)
            .nJobs(2)
            .run(LongStream.of(micros).mapToObj(m -> delayed(Work::sleepMicros, m)));
    if (out.size() != micros.length) {
      throw new IllegalStateException(
          "expected " + micros.length + " results from " + backend + ", got " + out.size());
    }
    return out;
  }

  /** Returns {@code " (min to max)"} of the times, or nothing for a single one. */
  private static String range(List<Double> times) {
    if (times.size() < 2) {
      return "";
    }
    return " ("
        + Row.time(times.stream().min(Double::compare).orElseThrow())
        + " to "
        + Row.time(times.stream().max(Double::compare).orElseThrow())
        + ")";
  }

  private static String spread(List<Double> times, double bound) {
    return String.format(
        Locale.ROOT,
        "median %s = %.3f× the bound, runs %s",
        Row.time(median(times)),
        median(times) / bound,
        times.stream().map(Row::time).collect(Collectors.joining(", ")));
  }

  // ---------------------------------------------------------------------------------------------
  // P9: the per-task cost of Parallel.stream() from 10^4 to 10^7 tiny tasks, in -Xmx256m.

  private static final String P9_HEAP = "-Xmx256m";

  /*
   * One child JVM per backend and size ({@link StreamScale}), so that each size's heap peak is its
   * own and a size that runs out of memory costs only its row. The child runs with
   * -XX:+ExitOnOutOfMemoryError: an OutOfMemoryError in any thread (the caller's, the
   * dispatcher's, a backend's reader) ends it at once with exit code 3, where a caught one could
   * leave the call waiting for a thread that died. Before each size the runner estimates its time
   * from the previous size's per-task cost and does not start it beyond the budget.
   */
  private void p9StreamScale() throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String n : streamSizes.split(",")) {
      sizes.add(Integer.parseInt(n.trim().replace("_", "")));
    }
    String classPath = appClassPath();
    for (String backend : List.of("threading", "processes")) {
      if (!hasBackend(backend)) {
        rows.add(
            notAvailable(
                "P9",
                p9What(sizes.get(0), backend),
                "",
                "",
                "≤ 1.5×",
                "the " + backend + " backend"));
        continue;
      }
      double smallest = Double.NaN;
      double largest = Double.NaN;
      int smallestAt = 0;
      int largestAt = 0;
      double lastPerTask = Double.NaN;
      List<String> problems = new ArrayList<>();
      List<Integer> ran = new ArrayList<>();
      for (int n : sizes) {
        String what = p9What(n, backend);
        int reps = StreamScale.defaultReps(n);
        double estimate = Double.isNaN(lastPerTask) ? Double.NaN : lastPerTask * n * reps;
        if (estimate > streamBudget) {
          say(
              String.format(
                  Locale.ROOT,
                  "P9 %s %,d tasks: not run, about %.0f s at %.0f ns/task",
                  backend,
                  n,
                  estimate,
                  lastPerTask * 1e9));
          rows.add(
              new Row(
                  "P9",
                  what,
                  String.format(
                      Locale.ROOT,
                      "not run: %d call(s) at the previous size's %s would take about %.0f s",
                      reps,
                      perTask(lastPerTask),
                      estimate),
                  "",
                  "",
                  "",
                  "",
                  String.format(
                      Locale.ROOT,
                      "not run: over the budget of %d s (-Djoblib4j.bench.streamBudget)",
                      streamBudget)));
          problems.add(String.format(Locale.ROOT, "%,d not run", n));
          continue;
        }
        int timeout = (int) Math.max(120, Double.isNaN(estimate) ? 0 : 4 * estimate + 60);
        ChildJvm r =
            childJvm(
                classPath,
                List.of(P9_HEAP, "-XX:+ExitOnOutOfMemoryError"),
                timeout,
                StreamScale.class.getName(),
                backend,
                Integer.toString(n),
                Integer.toString(reps));
        Double seconds = r.results().get("seconds");
        if (r.exitCode() != 0 || seconds == null) {
          boolean oom = r.lines().stream().anyMatch(l -> l.contains("OutOfMemoryError"));
          String how =
              r.timedOut()
                  ? String.format(Locale.ROOT, "no result within %d s", timeout)
                  : oom
                      ? "OutOfMemoryError in " + P9_HEAP
                      : "exit code " + r.exitCode() + ": " + lastLine(r.lines());
          String progress =
              r.progress() < 0
                  ? ""
                  : String.format(
                      Locale.ROOT, ", about %,d of %,d results consumed by then", r.progress(), n);
          say(
              String.format(
                  Locale.ROOT,
                  "P9 %s %,d tasks: %s %.1f s after the child JVM started%s",
                  backend,
                  n,
                  how,
                  r.seconds(),
                  progress));
          if (!oom && !r.timedOut()) {
            say("P9 child output:\n" + String.join("\n", r.lines()));
          }
          rows.add(
              new Row(
                  "P9",
                  what,
                  String.format(
                      Locale.ROOT,
                      "%s %.1f s after the child JVM started%s",
                      oom ? "OutOfMemoryError" : r.timedOut() ? "timed out" : "failed",
                      r.seconds(),
                      progress),
                  "",
                  "",
                  "",
                  "",
                  "failed: " + how));
          problems.add(
              String.format(
                  Locale.ROOT,
                  "%,d %s",
                  n,
                  oom ? "ran out of memory" : r.timedOut() ? "timed out" : "failed"));
          continue;
        }
        double perTask = seconds / n;
        lastPerTask = perTask;
        ran.add(n);
        if (Double.isNaN(smallest) || perTask < smallest) {
          smallest = perTask;
          smallestAt = n;
        }
        if (Double.isNaN(largest) || perTask > largest) {
          largest = perTask;
          largestAt = n;
        }
        String heap =
            String.format(
                Locale.ROOT,
                "peak heap %d MB, at most %d MB after a GC",
                r.results().get("peak_heap").longValue() >> 20,
                r.results().get("max_after_gc").longValue() >> 20);
        String range =
            r.results().get("reps") > 1
                ? String.format(
                    Locale.ROOT,
                    ", %s to %s",
                    perTask(r.results().get("seconds_min") / n),
                    perTask(r.results().get("seconds_max") / n))
                : "";
        say(
            String.format(
                Locale.ROOT,
                "P9 %s %,d tasks: %s per task (%s for the call%s), %s, %d GCs",
                backend,
                n,
                perTask(perTask),
                Row.time(seconds),
                range,
                heap,
                r.results().get("gcs").longValue()));
        rows.add(
            new Row(
                "P9",
                what,
                perTask(perTask) + " (" + Row.time(seconds) + range + "), " + heap,
                "",
                "",
                "",
                "",
                ""));
      }
      String first = String.format(Locale.ROOT, "%,d", sizes.get(0));
      String last = String.format(Locale.ROOT, "%,d", sizes.get(sizes.size() - 1));
      String flatWhat =
          "per-task cost of Parallel.stream(), largest / smallest over "
              + first
              + " to "
              + last
              + " tasks, nJobs=2, "
              + backend
              + ", "
              + P9_HEAP;
      if (ran.size() < 2) {
        rows.add(
            new Row(
                "P9",
                flatWhat,
                "n/a",
                "",
                "",
                "",
                "≤ 1.5×",
                "missed: " + String.join(", ", problems)));
        continue;
      }
      double flatness = largest / smallest;
      boolean failed = problems.stream().anyMatch(p -> !p.endsWith("not run"));
      String status =
          failed
              ? "missed: " + String.join(", ", problems)
              : Row.status(flatness <= 1.5)
                  + (problems.isEmpty() ? "" : " (" + String.join(", ", problems) + ")");
      say(
          String.format(
              Locale.ROOT,
              "P9 %s flatness %.2f× (%s at %,d, %s at %,d)",
              backend,
              flatness,
              perTask(largest),
              largestAt,
              perTask(smallest),
              smallestAt));
      rows.add(
          new Row(
              "P9",
              flatWhat,
              String.format(
                  Locale.ROOT,
                  "%s (%s at %,d tasks / %s at %,d)",
                  Row.times(flatness),
                  perTask(largest),
                  largestAt,
                  perTask(smallest),
                  smallestAt),
              "",
              "",
              "",
              "≤ 1.5×",
              status));
    }
  }

  private static String p9What(int n, String backend) {
    return String.format(
        Locale.ROOT,
        "%,d tiny tasks through Parallel.stream() (iterator"
            + " consumed, results summed), nJobs=2, %s, child JVM %s",
        n,
        backend,
        P9_HEAP);
  }

  private static String perTask(double seconds) {
    double ns = seconds * 1e9;
    return String.format(Locale.ROOT, ns < 10 ? "%.1f ns" : "%.0f ns", ns);
  }

  private static String lastLine(List<String> lines) {
    return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
  }

  /**
   * What a child JVM did: its exit code (-1 when it was stopped at its time limit), its output, the
   * figures it printed as {@code RESULT <name> <value>} lines, the last count it printed as a
   * {@code PROGRESS <count>} line (-1 if none) and how long it ran, in seconds.
   */
  private record ChildJvm(
      int exitCode,
      boolean timedOut,
      List<String> lines,
      Map<String, Double> results,
      long progress,
      double seconds) {}

  /**
   * Runs {@code mainClass} with {@code args} in a child JVM with {@code jvmOptions} and this JVM's
   * module and system property options, and returns what it did; a child still running after {@code
   * timeoutSeconds} is stopped, with the processes it started. Never throws for a child that fails:
   * the caller reports it.
   */
  private static ChildJvm childJvm(
      String classPath,
      List<String> jvmOptions,
      int timeoutSeconds,
      String mainClass,
      String... args)
      throws IOException, InterruptedException {
    List<String> command = javaCommand();
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath, mainClass));
    command.addAll(List.of(args));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                }
              } catch (IOException e) {
                // The child ended; what was read stands.
              }
            },
            "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    reader.join(10_000);
    List<String> all;
    synchronized (lines) {
      all = List.copyOf(lines);
    }
    Map<String, Double> results = new LinkedHashMap<>();
    long progress = -1;
    for (String line : all) {
      String[] parts = line.split(" ");
      if (line.startsWith("RESULT ") && parts.length == 3) {
        results.put(parts[1], Double.parseDouble(parts[2]));
      } else if (line.startsWith("PROGRESS ") && parts.length == 2) {
        progress = Long.parseLong(parts[1]);
      }
    }
    return new ChildJvm(done ? p.exitValue() : -1, !done, all, results, progress, seconds);
  }

  // ---------------------------------------------------------------------------------------------
  // P10: how soon closing a stream early frees the workers, and what it prints.

  private static final double P10_BOUND_SECONDS = 0.5;

  /*
   * One child JVM per backend (EarlyClose): a stream of 1,000 one-second tasks is closed after
   * five results, and a call of two quick tasks follows. Its time from the close is the time the
   * backend took to free its workers; if the close left the running tasks alone, it waits up to a
   * second for them. The child's output is read too: a close that works prints nothing, so every
   * warning or error line the child prints (Spark's "Lost task ... TaskKilled" for the tasks the
   * close cancelled, a stack trace at exit) counts against it.
   */
  private void p10EarlyClose() throws Exception {
    // The small application jar has no Spark; the spark child runs on this JVM's class path.
    String appPath = appClassPath();
    String fullPath = System.getProperty("java.class.path");
    int reps = closeReps;
    String target =
        String.format(Locale.ROOT, "free ≤ %.1f s after the close, no warning", P10_BOUND_SECONDS);
    for (String backend : List.of("threading", "processes", "spark")) {
      String where =
          String.format(
              Locale.ROOT,
              "stream() of 1,000 tasks of 1 s closed after 5 results, nJobs=2, %s",
              backend.equals("spark") ? "spark local[2]" : backend);
      String peer = "the bound";
      if (!hasBackend(backend)) {
        rows.add(
            notAvailable(
                "P10",
                where,
                peer,
                Row.time(P10_BOUND_SECONDS),
                target,
                "the " + backend + " backend"));
        continue;
      }
      ChildJvm r =
          childJvm(
              backend.equals("spark") ? fullPath : appPath,
              List.of("-Djoblib4j.spark.master=local[2]"),
              300,
              EarlyClose.class.getName(),
              backend,
              Integer.toString(reps),
              "1000");
      List<Double> free = new ArrayList<>();
      List<Double> close = new ArrayList<>();
      for (int i = 0; i < reps; i++) {
        Double f = r.results().get("free_" + i);
        Double c = r.results().get("close_" + i);
        if (f != null && c != null) {
          free.add(f);
          close.add(c);
        }
      }
      List<String> noise =
          r.lines().stream()
              .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.startsWith("\tat "))
              .filter(
                  l ->
                      !l.contains("NativeCodeLoader")
                          && !l.contains("loopback")
                          && !l.contains("SPARK_LOCAL_IP"))
              .collect(Collectors.toList());
      if (r.exitCode() != 0 || free.size() != reps) {
        say("P10 " + backend + " child output:\n" + String.join("\n", r.lines()));
        rows.add(
            new Row(
                "P10",
                where,
                "(failed)",
                peer,
                Row.time(P10_BOUND_SECONDS),
                "n/a",
                target,
                "failed: exit code " + r.exitCode() + ", " + lastLine(r.lines())));
        continue;
      }
      double worst = free.stream().max(Double::compare).orElseThrow();
      say(
          String.format(
              Locale.ROOT,
              "P10 %s: free after %s, close() took %s; %d warning or error lines%s",
              backend,
              free.stream().map(Row::time).collect(Collectors.joining(", ")),
              close.stream().map(Row::time).collect(Collectors.joining(", ")),
              noise.size(),
              noise.isEmpty() ? "" : ":\n  " + String.join("\n  ", noise)));
      rows.add(
          new Row(
              "P10",
              where,
              String.format(
                  Locale.ROOT,
                  "free after %s (worst %s), %d warning lines",
                  Row.time(median(free)),
                  Row.time(worst),
                  noise.size()),
              peer,
              Row.time(P10_BOUND_SECONDS),
              Row.times(P10_BOUND_SECONDS / worst),
              target,
              Row.status(worst <= P10_BOUND_SECONDS && noise.isEmpty())));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rows.

  /** A row comparing times; the ratio is the peer's time over joblib4j's. */
  private static Row compare(
      String id,
      String what,
      long tasks,
      double mine,
      String peer,
      double theirs,
      String target,
      double minRatio) {
    double ratio = theirs / mine;
    return new Row(
        id,
        what,
        Row.time(mine) + " (" + Row.rate(tasks, mine) + ")",
        peer,
        Row.time(theirs) + " (" + Row.rate(tasks, theirs) + ")",
        Row.times(ratio),
        target,
        target.isEmpty() ? "" : Row.status(ratio >= minRatio));
  }

  private Row comparePython(
      String id,
      String what,
      long tasks,
      double mine,
      String peer,
      @Nullable Double theirs,
      String target,
      double minRatio) {
    if (theirs == null) {
      return new Row(
          id,
          what,
          Row.time(mine) + " (" + Row.rate(tasks, mine) + ")",
          peer,
          "not installed",
          "n/a",
          target,
          "");
    }
    return compare(id, what, tasks, mine, peer, theirs, target, minRatio);
  }

  private static Row timeRow(
      String id,
      String what,
      double mine,
      String peer,
      @Nullable Double theirs,
      String target,
      @Nullable Boolean met) {
    return new Row(
        id,
        what,
        Row.time(mine),
        peer,
        theirs == null ? "not installed" : Row.time(theirs),
        theirs == null ? "n/a" : Row.times(theirs / mine),
        target,
        met == null ? "" : Row.status(met));
  }

  private Row missingBackend(
      String id, String what, String backend, String peer, @Nullable Double theirs, long tasks) {
    return notAvailable(
        id,
        what,
        peer,
        theirs == null ? "not installed" : Row.time(theirs) + " (" + Row.rate(tasks, theirs) + ")",
        "",
        "the " + backend + " backend");
  }

  private static Row notAvailable(
      String id, String what, String peer, String peerValue, String target, String missing) {
    return new Row(
        id,
        what,
        "n/a",
        peer,
        peerValue,
        "n/a",
        target,
        "not available: " + missing + " is not on the class path");
  }

  private static String pyTime(@Nullable Double seconds) {
    return seconds == null ? "not installed" : Row.time(seconds);
  }

  private static double nz(@Nullable Double d) {
    return d == null ? Double.POSITIVE_INFINITY : d;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().collect(Collectors.toList());
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static boolean hasBackend(String name) {
    return ParallelConfig.backendNames().contains(name);
  }

  // ---------------------------------------------------------------------------------------------
  // Output.

  private String table() {
    StringBuilder sb = new StringBuilder(Row.HEADER).append('\n');
    for (Row r : rows) {
      sb.append(r.markdown()).append('\n');
    }
    return sb.toString();
  }

  private String machine() {
    Runtime rt = Runtime.getRuntime();
    long memory = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    return String.format(
        Locale.ROOT,
        "machine: %d cores%s, %s memory, %s %s (%s), max heap %s, Spark %s, %s %s",
        rt.availableProcessors(),
        cpuModel(),
        memory < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GB", memory / 1e9),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.vendor"),
        mb(rt.maxMemory()),
        sparkVersion(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"));
  }

  /** Returns the system's load averages over 1, 5 and 15 minutes, where the OS reports them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", l);
    }
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> " (" + l.substring(l.indexOf(':') + 1).trim() + ")")
          .findFirst()
          .orElse("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static String sparkVersion() {
    try (InputStream in =
        SparkConf.class.getClassLoader().getResourceAsStream("spark-version-info.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private void writeDocs(String table, double minutes) throws IOException {
    // A quick or partial run would replace the page's full table with a smaller one.
    String target =
        System.getProperty(
            "joblib4j.bench.out", quick || !only.isEmpty() ? "none" : "docs/benchmarks.md");
    if (target.equals("none")) {
      say(
          "not rewriting the docs page (joblib4j.bench.out=none, a quick run or"
              + " joblib4j.bench.only)");
      return;
    }
    Path file = Path.of(target);
    if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
      say("not rewriting " + file + ": its folder does not exist; run from the repository root");
      return;
    }
    String kept = "";
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int at = old.indexOf("\n" + KEPT_HEADING);
      if (at >= 0) {
        kept = old.substring(at + 1);
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append("joblib4j measured side by side with its peers in one run: Python's joblib")
        .append(" (Debian's `python3-joblib`), a plain `ExecutorService` and a parallel stream,")
        .append(" hand-written Spark RDD code on `local[2]` and on a standalone cluster (a Master")
        .append(" and one 2-core Worker started for the run on 127.0.0.1), and")
        .append(" `ObjectOutputStream`. Every")
        .append(" figure is the median of a few runs after warm-up runs, measured, not")
        .append(" estimated. The ratio is how many times faster joblib4j is than the peer (above")
        .append(" 1 is faster). This page is generated: everything above the")
        .append(" \"Analysis\" heading is rewritten by the command below.\n\n");
    md.append("Command (from the repository root):\n\n```\n").append(COMMAND).append("\n```\n\n");
    md.append("- Date: ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
        .append('\n');
    md.append("- ").append(capitalize(machine())).append('\n');
    md.append("- Python joblib: ")
        .append(
            python.available()
                ? python.version().orElse("?") + " with `" + PythonPeer.DEFAULT_PYTHON + "`"
                : "not installed (`apt-get install -y python3-joblib`)")
        .append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "- Sizes: P1 %,d tasks; P2 %d tasks of %d ms; P4 %,d tiny tasks and %d tasks of %d ms;"
                + " P5/P6 %s raw, %s compressible (`i %% 1000`); P7 %s argument; P8 %d sleeping"
                + " tasks, log-normal (median %d ms, sigma %s, seed %d), %d runs; P9 %s tiny tasks"
                + " through stream() in -Xmx256m; P10 a stream of 1,000 tasks of 1 s closed after 5"
                + " results, %d closes\n",
            tinyTasks,
            cpuTasks,
            cpuMillis,
            sparkTinyTasks,
            sparkSlowTasks,
            sparkSlowMillis,
            mb(bytes),
            mb(compressibleBytes),
            mb(memoryBytes),
            unevenTasks,
            unevenMedianMillis,
            unevenSigma,
            unevenSeed,
            unevenReps,
            streamSizes.replace(",", ", "),
            closeReps));
    md.append("- Load average (1 / 5 / 15 min) at the start: ")
        .append(loadAtStart)
        .append(", at the end: ")
        .append(loadAverage())
        .append(
            " (when it is above the number of cores, other work shared the machine and"
                + " speed-ups suffer)\n");
    md.append(String.format(Locale.ROOT, "- Whole run: %.1f min\n\n", minutes));
    md.append(table).append('\n');
    if (kept.isEmpty()) {
      kept = KEPT_HEADING + "\n\nNo analysis written yet.\n";
    }
    md.append(kept);
    Files.writeString(file, md.toString());
    say("rewrote " + file.toAbsolutePath());
  }

  private void close() {
    stopSpark();
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      say("could not remove " + workDir + ": " + e.getMessage());
    }
  }

  private void say(String line) {
    lines.add(line);
    System.out.println(line);
    System.out.flush();
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String oneLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl >= 0 ? m.substring(0, nl) : m);
  }

  static String mb(long bytes) {
    return (bytes >> 20) + " MB";
  }

  private static int intProp(String name, int def) {
    return Integer.getInteger("joblib4j.bench." + name, def);
  }

  private static long longProp(String name, long def) {
    return Long.getLong("joblib4j.bench." + name, def);
  }
}
