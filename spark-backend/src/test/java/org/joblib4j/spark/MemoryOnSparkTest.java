package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.memory.Memory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cached function called inside spark tasks running in two executor JVMs of a standalone cluster,
 * the driver JVM and this JVM sharing one cache folder: a result computed in one JVM is read back
 * in the others, never recomputed and never read half-written.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MemoryOnSparkTest {
  private static final int EXECUTORS = 2;

  private static StandaloneCluster cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = StandaloneCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void cache_calledInSparkTasksOnTwoExecutors_computedOncePerKeyAndSharedAcrossJvms()
      throws Exception {
    Path captured = dir.resolve("captured-cache");
    Path rebuilt = dir.resolve("rebuilt-cache");
    Path capturedLog = dir.resolve("captured-computations.log");
    Path rebuiltLog = dir.resolve("rebuilt-computations.log");
    // Two 1-core executors, and no job before both have registered.
    Process driver =
        cluster.submit(
            "memory",
            "client",
            List.of("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"),
            List.of(
                "spark.executor.cores=1",
                "spark.cores.max=" + EXECUTORS,
                "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "spark.scheduler.maxRegisteredResourcesWaitingTime=60s"),
            MemoryDriver.class.getName(),
            captured.toString(),
            rebuilt.toString(),
            capturedLog.toString(),
            rebuiltLog.toString());
    Path log = cluster.log("memory");
    if (!driver.waitFor(180, TimeUnit.SECONDS)) {
      driver.destroyForcibly();
      throw new AssertionError(
          "The driver did not end within 180 s:\n" + StandaloneCluster.tail(log));
    }
    String out = read(log);
    assertThat(driver.exitValue())
        .as("driver exit code; output:%n%s", StandaloneCluster.tail(log))
        .isZero();
    long driverPid = Long.parseLong(line(out, "DRIVER pid=").substring("DRIVER pid=".length()));

    check(out, "captured", captured, capturedLog, driverPid);
    check(out, "rebuilt", rebuilt, rebuiltLog, driverPid);

    // No executor read an entry half-written or corrupt: the cache warns about every such read.
    String executorLogs = executorStderr();
    assertThat(executorLogs).contains("[Memory] Calling");
    assertThat(executorLogs)
        .doesNotContain("Exception while loading")
        .doesNotContain("WARN Memory:")
        .doesNotContainPattern("(?m)^WARNING [^:]");
    assertThat(out).doesNotContain("Exception while loading");
  }

  private static void check(
      String out, String scenario, Path cache, Path computations, long driverPid)
      throws IOException {
    List<long[]> results =
        out.lines()
            .filter(l -> l.startsWith("RESULT " + scenario + " "))
            .map(l -> l.split(" "))
            .map(f -> new long[] {Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])})
            .toList();
    assertThat(results).as(scenario).hasSize(MemoryDriver.TASKS);
    for (int i = 0; i < MemoryDriver.TASKS; i++) {
      long x = i % MemoryDriver.KEYS;
      assertThat(results.get(i)[0]).isEqualTo(x);
      assertThat(results.get(i)[1]).as("%s: result of task %d", scenario, i).isEqualTo(x * x);
    }
    long self = ProcessHandle.current().pid();
    Set<Long> servedBy = results.stream().map(r -> r[2]).collect(Collectors.toSet());
    assertThat(servedBy).as(scenario).doesNotContain(self, driverPid).hasSize(EXECUTORS);

    // Each key is computed at least once (the cache started empty) and at most once per executor
    // that raced on it; every other call read the result another call stored.
    List<String> records = Files.readAllLines(computations);
    Map<Long, List<Long>> computedBy = new TreeMap<>();
    for (String r : records) {
      String[] f = r.split(" ");
      computedBy
          .computeIfAbsent(Long.parseLong(f[0]), k -> new ArrayList<>())
          .add(Long.parseLong(f[1]));
    }
    assertThat(computedBy.keySet())
        .as(scenario)
        .containsExactlyElementsOf(
            IntStream.range(0, MemoryDriver.KEYS).mapToObj(i -> (long) i).toList());
    computedBy.forEach(
        (x, pids) ->
            assertThat(pids)
                .as("%s: computations of key %d", scenario, x)
                .hasSizeLessThanOrEqualTo(EXECUTORS)
                .doesNotHaveDuplicates()
                .isSubsetOf(servedBy));
    assertThat(records.size()).as(scenario).isLessThan(MemoryDriver.TASKS);
    // Some executor returned a key it never computed: it read the entry the other one wrote.
    assertThat(results)
        .as(scenario)
        .anySatisfy(r -> assertThat(computedBy.get(r[0])).doesNotContain(r[2]));

    // This JVM, with its own memory on the same folder, reads every result back.
    SerializableBiFunction<Integer, String, Long> square =
        new Memory(cache).verbose(0).cache(MemoryDriver::slowSquare);
    for (int x = 0; x < MemoryDriver.KEYS; x++) {
      assertThat(square.apply(x, computations.toString())).isEqualTo((long) x * x);
    }
    assertThat(Files.readAllLines(computations)).as(scenario).hasSize(records.size());
  }

  /** Returns the standard error of every executor the Worker ran. */
  private static String executorStderr() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(cluster.work)) {
      for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        all.append(read(p));
      }
    }
    return all.toString();
  }

  private static String line(String out, String prefix) {
    return out.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + prefix + " line in:\n" + out));
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
  }
}
