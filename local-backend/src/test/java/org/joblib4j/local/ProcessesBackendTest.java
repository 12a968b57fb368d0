package org.joblib4j.local;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Require;
import org.joblib4j.SerializableCallable;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour of the {@code processes} backend that joblib users rely on. */
@Timeout(value = 120, unit = SECONDS)
class ProcessesBackendTest {
  /** Appended to by tasks: in a worker JVM, never the parent's list. */
  static final List<Integer> RESULTS = Collections.synchronizedList(new ArrayList<>());

  private static Parallel processes() {
    return new Parallel().backend("processes").nJobs(2);
  }

  static int append(int i) {
    RESULTS.add(i);
    return i;
  }

  static long pid(int ignored) {
    return ProcessHandle.current().pid();
  }

  /** A user type that only the test class path holds. */
  record Point(double x, double y) implements java.io.Serializable {
    Point scaled(double k) {
      return new Point(x * k, y * k);
    }
  }

  static Point scale(Point p, Double k) {
    return p.scaled(k);
  }

  static int chatty(int i) {
    for (int k = 0; k < 500; k++) {
      System.out.println("task " + i + " line " + k + " {\"not\": \"a frame\"}");
      System.out.print('\u0000');
      System.out.write(0xff);
    }
    System.out.flush();
    return i;
  }

  static int sleepThenReturn(int millis, int value) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return value;
  }

  static int nestedBackend(int ignored) {
    ParallelConfig.Current c = ParallelConfig.current();
    Integer n = c.nJobs();
    return c.nestingLevel() * 1000
        + (n == null ? 0 : n) * 10
        + (c.backend().equals("threading") ? 1 : 0);
  }

  @Test
  void run_tasksAppendToStaticList_parentListUnchanged() {
    RESULTS.clear();
    List<Integer> out =
        processes()
            .run(IntStream.range(0, 5).mapToObj(i -> delayed(ProcessesBackendTest::append, i)));

    assertThat(out).containsExactly(0, 1, 2, 3, 4);
    assertThat(RESULTS).isEmpty();
  }

  @Test
  void run_requireSharedMem_parentListChanges() {
    RESULTS.clear();
    try (ParallelConfig.Scope ignored = ParallelConfig.backend("processes").nJobs(2).enter()) {
      new Parallel()
          .require(Require.SHARED_MEM)
          .run(IntStream.range(0, 5).mapToObj(i -> delayed(ProcessesBackendTest::append, i)));
    }

    assertThat(new TreeSet<>(RESULTS)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void run_userClassFromTestClassPath_returnsItsInstances() {
    List<Point> out =
        processes()
            .run(
                IntStream.range(0, 6)
                    .mapToObj(i -> delayed(ProcessesBackendTest::scale, new Point(i, -i), 2.0)));

    assertThat(out)
        .containsExactly(
            IntStream.range(0, 6).mapToObj(i -> new Point(2 * i, -2 * i)).toArray(Point[]::new));
  }

  @Test
  void run_lokyAndMultiprocessingAliases_runInWorkers() {
    for (String name : List.of("loky", "multiprocessing")) {
      List<Long> pids =
          new Parallel()
              .backend(name)
              .nJobs(2)
              .run(IntStream.range(0, 4).mapToObj(i -> delayed(ProcessesBackendTest::pid, i)));

      assertThat(pids).doesNotContain(ProcessHandle.current().pid());
    }
  }

  @Test
  void run_twoCalls_reuseTheSameWorkers() {
    Set<Long> first =
        new TreeSet<>(
            processes()
                .batchSize(1)
                .run(IntStream.range(0, 20).mapToObj(i -> delayed(ProcessesBackendTest::pid, i))));
    Set<Long> second =
        new TreeSet<>(
            processes()
                .batchSize(1)
                .run(IntStream.range(0, 20).mapToObj(i -> delayed(ProcessesBackendTest::pid, i))));

    assertThat(first).doesNotContain(ProcessHandle.current().pid());
    assertThat(second)
        .isSubsetOf(
            WorkerPool.shared().processes().stream().map(Process::pid).collect(Collectors.toSet()));
    assertThat(first).containsAnyElementsOf(second);
  }

  @Test
  void run_taskPrintsToSystemOutInLoop_callSucceedsAndPrintsReachStderr() {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    List<Integer> out;
    try {
      out =
          processes()
              .run(IntStream.range(0, 8).mapToObj(i -> delayed(ProcessesBackendTest::chatty, i)));
      waitUntil(() -> captured.toString(StandardCharsets.UTF_8).contains("task 7 line 499"));
    } finally {
      System.setErr(saved);
    }

    assertThat(out).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .containsPattern("\\[worker \\d+\\] .{0,2}task 3 line 10 \\{\"not\": \"a frame\"}");
  }

  static int size(Object collection) {
    return ((java.util.Collection<?>) collection).size();
  }

  @Test
  void run_argumentIsAViewOfAMap_refusedBeforeDispatchNamingTheTaskThePlaceAndTheCopy() {
    java.util.Map<String, Integer> map = new java.util.HashMap<>(java.util.Map.of("a", 1));
    List<Task<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tasks.add(delayed(ProcessesBackendTest::size, i == 3 ? map.keySet() : List.of(i)));
    }

    assertThatThrownBy(() -> processes().batchSize(1).run(tasks))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Task 3 (")
        .hasMessageContaining("Cannot serialize java.util.HashMap$KeySet at arguments[0]: ")
        .hasMessageContaining("Copy it into a java.util.HashSet");
  }

  @Test
  void run_lambdaCapturingThread_failsBeforeDispatchNamingTheField(@TempDir Path dir) {
    Thread thread = new Thread(() -> {});
    Path marker = dir.resolve("ran");
    SerializableCallable<String> bad = () -> thread.getName();
    List<Task<?>> tasks = new ArrayList<>();
    tasks.add(delayed(bad));
    tasks.add(delayed(() -> Files.writeString(marker, "ran").toString()));

    assertThatThrownBy(() -> processes().run(tasks))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot serialize java.lang.Thread at function.captured[0]: ")
        .hasMessageContaining("Create it inside the task")
        .message()
        .doesNotContain("implement java.io.Serializable");
    assertThat(marker).doesNotExist();
  }

  @Test
  void run_taskThrowsUserException_causeIsTheOriginal() {
    assertThatThrownBy(
            () ->
                processes()
                    .run(
                        Stream.of(
                            delayed(ProcessesBackendTest::sleepThenReturn, 0, 1),
                            delayed(
                                () -> {
                                  throw new Point3Exception("bad point");
                                }))))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isInstanceOf(Point3Exception.class)
        .hasMessage("bad point");
  }

  /** A user exception from the test class path. */
  static final class Point3Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Point3Exception(String message) {
      super(message);
    }
  }

  @Test
  void run_timeoutExpires_busyWorkersReplacedAndCallReturnsAtOnce() {
    Set<Long> before =
        WorkerPool.shared().processes().stream().map(Process::pid).collect(Collectors.toSet());
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                processes()
                    .timeout(Duration.ofMillis(500))
                    .run(
                        Stream.of(
                            delayed(ProcessesBackendTest::sleepThenReturn, 60_000, 1),
                            delayed(ProcessesBackendTest::sleepThenReturn, 60_000, 2))))
        .isInstanceOf(TaskTimeoutException.class);
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;

    assertThat(seconds).isLessThan(30);
    assertThat(processes().run(Stream.of(delayed(ProcessesBackendTest::pid, 0))))
        .doesNotContainAnyElementsOf(before);
  }

  @Test
  void run_nestedParallel_usesThreadsAtLevelOne() {
    List<Integer> out =
        processes()
            .run(
                IntStream.range(0, 4)
                    .mapToObj(i -> delayed(ProcessesBackendTest::nestedBackend, i)));

    assertThat(out)
        .containsOnly(1001 + 10 * Math.max(Runtime.getRuntime().availableProcessors() / 2, 1));
  }

  @Test
  void nested_twoWorkersOnMachine_limitsThreadsToCoresPerWorker() {
    ProcessesBackend backend =
        new ProcessesBackend(org.joblib4j.spi.BackendOptions.defaults(), WorkerPool.shared());
    var nested = backend.nested(new org.joblib4j.spi.ParallelBackend.CallInfo("c", "f", 2, 0));

    assertThat(nested.backend()).isEqualTo("threading");
    assertThat(nested.nJobs())
        .isEqualTo(Math.max(Runtime.getRuntime().availableProcessors() / 2, 1));
    assertThat(nested.level()).isEqualTo(1);
  }

  @Test
  void resize_smallerCall_shrinksThePool() {
    new Parallel()
        .backend("processes")
        .nJobs(3)
        .run(IntStream.range(0, 6).mapToObj(i -> delayed(ProcessesBackendTest::pid, i)));
    assertThat(WorkerPool.shared().processes()).hasSize(3);

    processes().run(IntStream.range(0, 6).mapToObj(i -> delayed(ProcessesBackendTest::pid, i)));

    waitUntil(() -> WorkerPool.shared().processes().size() == 2);
    assertThat(WorkerPool.shared().target()).isEqualTo(2);
  }

  @Test
  void idleTimeout_elapses_workersExit() throws Exception {
    WorkerPool pool = new WorkerPool(Duration.ofMillis(300));
    try {
      pool.resize(2);
      List<Process> started = pool.processes();
      assertThat(started).hasSize(2);

      waitUntil(() -> pool.processes().isEmpty());
      for (Process p : started) {
        assertThat(p.waitFor(20, SECONDS)).isTrue();
      }
    } finally {
      pool.shutDown();
    }
  }

  @Test
  void workers_startedByThisJvm_openNoListeningSocket() throws IOException {
    processes().run(IntStream.range(0, 4).mapToObj(i -> delayed(ProcessesBackendTest::pid, i)));

    Set<String> listening = new TreeSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A")) {
          listening.add(f[9]);
        }
      }
    }
    List<Process> workers = WorkerPool.shared().processes();
    assertThat(workers).isNotEmpty();
    for (Process w : workers) {
      Set<String> sockets = new TreeSet<>();
      try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(w.pid()), "fd"))) {
        for (Path fd : (Iterable<Path>) fds::iterator) {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              sockets.add(target.substring(8, target.length() - 1));
            }
          } catch (IOException e) {
            // closed while listing
          }
        }
      }
      assertThat(sockets)
          .as("sockets of worker pid %d", w.pid())
          .doesNotContainAnyElementsOf(listening);
    }
  }

  static void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
