package org.joblib4j.local;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.WorkerCrashedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Workers that die mid-task fail the call with WorkerCrashedException, and the pool heals. */
@Timeout(value = 180, unit = SECONDS)
class ProcessesCrashTest {
  private static Parallel processes() {
    return new Parallel().backend("processes").nJobs(2);
  }

  static long writePidThenSleep(String marker) {
    long pid = ProcessHandle.current().pid();
    try {
      Files.writeString(Path.of(marker + "." + pid), Long.toString(pid));
      Thread.sleep(60_000);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return pid;
  }

  static int square(int i) {
    return i * i;
  }

  static int exit(int code) {
    System.exit(code);
    return code;
  }

  static int allocateTooMuch(int ignored) {
    long[][] hog = new long[64][];
    for (int i = 0; i < hog.length; i++) {
      hog[i] = new long[Integer.MAX_VALUE - 8];
    }
    return hog.length;
  }

  @Test
  void run_busyWorkerKilled20Times_failsEachTimeAndNextCallSucceeds(@TempDir Path dir)
      throws Exception {
    for (int round = 0; round < 20; round++) {
      String marker = dir.resolve("busy-" + round).toString();
      CompletableFuture<List<Long>> call =
          CompletableFuture.supplyAsync(
              () ->
                  processes()
                      .run(
                          Stream.of(
                              delayed(ProcessesCrashTest::writePidThenSleep, marker),
                              delayed(ProcessesCrashTest::writePidThenSleep, marker))));
      long pid = awaitBusyPid(dir, "busy-" + round + ".");

      ProcessHandle.of(pid).orElseThrow().destroyForcibly();

      assertThatThrownBy(() -> call.get(60, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(WorkerCrashedException.class)
          .hasMessageContaining("pid " + pid)
          .hasMessageContaining("SIGKILL(-9)")
          .hasMessageContaining("137");
      assertThat(
              processes()
                  .run(IntStream.range(0, 6).mapToObj(i -> delayed(ProcessesCrashTest::square, i))))
          .containsExactly(0, 1, 4, 9, 16, 25);
    }
    assertNoOrphans();
  }

  @Test
  void run_taskCallsSystemExit_failsWithExitCodeAndNextCallSucceeds() {
    assertThatThrownBy(
            () ->
                processes()
                    .run(
                        Stream.of(
                            delayed(ProcessesCrashTest::square, 2),
                            delayed(ProcessesCrashTest::exit, 3))))
        .isInstanceOfSatisfying(
            WorkerCrashedException.class, e -> assertThat(e.exitCode()).isEqualTo(3))
        .hasMessageContaining("EXIT(3)")
        .hasMessageContaining("System.exit");

    assertThat(
            processes()
                .run(IntStream.range(0, 4).mapToObj(i -> delayed(ProcessesCrashTest::square, i))))
        .containsExactly(0, 1, 4, 9);
    assertNoOrphans();
  }

  @Test
  void run_taskRunsOutOfMemory_failsNamingItAndNextCallSucceeds() {
    assertThatThrownBy(
            () ->
                processes()
                    .run(
                        Stream.of(
                            delayed(ProcessesCrashTest::square, 2),
                            delayed(ProcessesCrashTest::allocateTooMuch, 0))))
        .isInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("OutOfMemoryError")
        .hasMessageContaining("joblib4j.processes.heap");

    assertThat(
            processes()
                .run(IntStream.range(0, 4).mapToObj(i -> delayed(ProcessesCrashTest::square, i))))
        .containsExactly(0, 1, 4, 9);
    assertNoOrphans();
  }

  private static long awaitBusyPid(Path dir, String prefix) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> found =
            files
                .filter(f -> f.getFileName().toString().startsWith(prefix))
                .collect(Collectors.toList());
        if (!found.isEmpty()) {
          String name = found.get(0).getFileName().toString();
          return Long.parseLong(name.substring(name.lastIndexOf('.') + 1));
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no worker started the task within 60 s");
  }

  /** Every child JVM of this process is a live worker of the pool, and the pool is full. */
  private static void assertNoOrphans() {
    WorkerPool pool = WorkerPool.shared();
    ProcessesBackendTest.waitUntil(
        () -> {
          Set<Long> workers =
              pool.processes().stream().map(Process::pid).collect(Collectors.toSet());
          Set<Long> children =
              ProcessHandle.current()
                  .children()
                  .filter(ProcessHandle::isAlive)
                  .map(ProcessHandle::pid)
                  .collect(Collectors.toSet());
          return children.equals(workers) && workers.size() == pool.target();
        });
    for (Process p : pool.processes()) {
      assertThat(p.isAlive()).isTrue();
    }
  }
}
