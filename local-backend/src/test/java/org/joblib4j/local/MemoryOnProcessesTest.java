package org.joblib4j.local;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Delayed.delayed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.Task;
import org.joblib4j.memory.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cached function called inside {@code Parallel} tasks on the {@code processes} backend, with
 * every worker JVM and the caller sharing one cache folder: a result computed in one JVM is read
 * back in the others, never recomputed and never read half-written.
 */
@Timeout(value = 180, unit = SECONDS)
class MemoryOnProcessesTest {
  private static final int KEYS = 10;
  private static final int TASKS = 40;
  private static final int WORKERS = 2;

  @TempDir Path dir;

  /** What a task returns: the cached function's value and the JVM that returned it. */
  record Outcome(int key, long value, long pid) implements java.io.Serializable {}

  /**
   * The cached function: squares {@code x} slowly, and records each real computation as a line
   * {@code "<x> <pid>"} appended to the file {@code computations}.
   */
  static long slowSquare(int x, String computations) {
    try {
      Files.writeString(
          Path.of(computations),
          x + " " + ProcessHandle.current().pid() + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Thread.sleep(50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return (long) x * x;
  }

  /** Calls the cached function {@code square} received with the task. */
  static Outcome callCaptured(
      SerializableBiFunction<Integer, String, Long> square, int x, String computations) {
    return new Outcome(x, square.apply(x, computations), ProcessHandle.current().pid());
  }

  /**
   * Builds a memory on {@code folder} in the JVM running the task, and calls its cached function.
   */
  static Outcome callRebuilt(String folder, int x, String computations) {
    SerializableBiFunction<Integer, String, Long> square =
        new Memory(Path.of(folder)).cache(MemoryOnProcessesTest::slowSquare);
    return new Outcome(x, square.apply(x, computations), ProcessHandle.current().pid());
  }

  @Test
  void cache_functionCapturedInProcessesTasks_computedOncePerKeyAndSharedAcrossJvms()
      throws IOException {
    Path cache = dir.resolve("cache");
    String computations = dir.resolve("computations.log").toString();
    SerializableBiFunction<Integer, String, Long> square =
        new Memory(cache).cache(MemoryOnProcessesTest::slowSquare);

    checkSharedCache(
        cache,
        computations,
        x -> delayed(MemoryOnProcessesTest::callCaptured, square, x, computations));
  }

  @Test
  void cache_memoryRebuiltInEachTaskFromFolder_computedOncePerKeyAndSharedAcrossJvms()
      throws IOException {
    Path cache = dir.resolve("cache");
    String computations = dir.resolve("computations.log").toString();
    String folder = cache.toString();

    checkSharedCache(
        cache,
        computations,
        x -> delayed(MemoryOnProcessesTest::callRebuilt, folder, x, computations));
  }

  /**
   * Runs {@value #TASKS} tasks over {@value #KEYS} keys on {@value #WORKERS} worker JVMs, then
   * checks the results, the computations per key, that workers read each other's results, that no
   * entry read as corrupt, and that the caller's own cached call reads everything back.
   */
  private void checkSharedCache(
      Path cache, String computations, Function<Integer, Task<Outcome>> task) throws IOException {
    List<Outcome> out;
    String stderr;
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      out =
          new Parallel()
              .backend("processes")
              .nJobs(WORKERS)
              .batchSize(1)
              .run(IntStream.range(0, TASKS).mapToObj(i -> task.apply(i % KEYS)));
      // Every computation logs "[Memory] Calling ..." from its worker; once as many such lines
      // have been forwarded as computations were recorded, any warning printed before them has
      // arrived too.
      int computed = lines(computations).size();
      awaitCallingLines(captured, computed);
      stderr = captured.toString(StandardCharsets.UTF_8);
    } finally {
      System.setErr(saved);
    }

    long parent = ProcessHandle.current().pid();
    assertThat(out).hasSize(TASKS);
    for (int i = 0; i < TASKS; i++) {
      int x = i % KEYS;
      assertThat(out.get(i).key()).isEqualTo(x);
      assertThat(out.get(i).value()).as("result of task %d", i).isEqualTo((long) x * x);
    }
    Set<Long> servedBy = out.stream().map(Outcome::pid).collect(Collectors.toSet());
    assertThat(servedBy).doesNotContain(parent).hasSizeGreaterThan(1);

    // Each key is computed at least once (the cache started empty) and at most once per worker
    // that raced on it; every other call read the result another call stored.
    List<String[]> records = lines(computations).stream().map(l -> l.split(" ")).toList();
    Map<Integer, List<Long>> computedBy = new TreeMap<>();
    for (String[] r : records) {
      computedBy
          .computeIfAbsent(Integer.parseInt(r[0]), k -> new ArrayList<>())
          .add(Long.parseLong(r[1]));
    }
    assertThat(computedBy.keySet()).containsExactlyElementsOf(range(KEYS));
    computedBy.forEach(
        (x, pids) ->
            assertThat(pids)
                .as("computations of key %d", x)
                .hasSizeLessThanOrEqualTo(WORKERS)
                .doesNotHaveDuplicates()
                .doesNotContain(parent));
    assertThat(records.size()).isLessThan(TASKS);
    // Some worker returned a key it never computed: it read the entry another JVM wrote.
    assertThat(out).anySatisfy(o -> assertThat(computedBy.get(o.key())).doesNotContain(o.pid()));

    // No entry was read half-written or corrupt: the cache warns about every such read.
    assertThat(stderr).doesNotContain("WARNING").doesNotContain("Exception while loading");
    assertThat(callingLines(stderr)).isEqualTo(records.size());

    // The caller, with its own memory on the same folder, reads every result back.
    SerializableBiFunction<Integer, String, Long> square =
        new Memory(cache).verbose(0).cache(MemoryOnProcessesTest::slowSquare);
    for (int x = 0; x < KEYS; x++) {
      assertThat(square.apply(x, computations)).isEqualTo((long) x * x);
    }
    assertThat(lines(computations)).hasSize(records.size());
  }

  /**
   * Waits up to 30 s for {@code count} "Calling" lines on {@code captured}; returns either way, so
   * the assertions that follow say what is missing.
   */
  private static void awaitCallingLines(ByteArrayOutputStream captured, int count) {
    long deadline = System.nanoTime() + SECONDS.toNanos(30);
    while (callingLines(captured.toString(StandardCharsets.UTF_8)) < count
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static int callingLines(String stderr) {
    return (int)
        stderr
            .lines()
            .filter(l -> l.contains("[Memory] Calling") && l.contains("slowSquare"))
            .count();
  }

  private static List<String> lines(String file) throws IOException {
    Path p = Path.of(file);
    return Files.exists(p) ? Files.readAllLines(p) : List.of();
  }

  private static Set<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toCollection(TreeSet::new));
  }
}
