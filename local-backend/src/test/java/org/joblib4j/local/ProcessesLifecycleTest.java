package org.joblib4j.local;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.joblib4j.JoblibException;
import org.joblib4j.Parallel;
import org.joblib4j.RemoteTaskException;
import org.joblib4j.TaskFailedException;
import org.joblib4j.spi.BackendOptions;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How workers end with their parent, and how errors of classes the parent lacks come back. */
@Timeout(value = 120, unit = SECONDS)
class ProcessesLifecycleTest {

  @Test
  void parentKilled_workersExitByThemselves() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        WorkerCommand.inherited(
            Arrays.asList(ProcessHandle.current().info().arguments().orElse(new String[0]))));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ParentDeathMain.class.getName());
    Process parent = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<Long> workers = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null && !line.startsWith("pids")) {
        // skip anything else
      }
      assertThat(line).as("the child's worker pids").isNotNull();
      for (String pid : line.substring(4).trim().split(" ")) {
        workers.add(Long.parseLong(pid));
      }
      assertThat(workers).hasSize(2);

      parent.destroyForcibly();
      assertThat(parent.waitFor(30, SECONDS)).isTrue();
    } finally {
      parent.destroyForcibly();
    }

    ProcessesBackendTest.waitUntil(
        () ->
            workers.stream()
                .map(ProcessHandle::of)
                .allMatch(h -> h.isEmpty() || !h.get().isAlive()));
  }

  static int twice(int x) {
    return 2 * x;
  }

  @Test
  void submit_workerJvmCannotStart_failsNamingTheOptionAndStopsStarting() {
    String saved = System.getProperty(WorkerCommand.JVM_OPTIONS);
    System.setProperty(WorkerCommand.JVM_OPTIONS, "-Xss1k");
    WorkerPool pool = new WorkerPool(Duration.ofSeconds(300));
    try {
      ProcessesBackend backend = new ProcessesBackend(BackendOptions.defaults(), pool);
      backend.startCall(new ParallelBackend.CallInfo("Parallel(n_jobs=2)", "twice", 2, 0));
      CompletableFuture<BatchResult> result =
          backend.submit(
              new TaskBatch(
                  List.of(delayed(ProcessesLifecycleTest::twice, 1)),
                  0,
                  NestedConfig.sequential(1)));

      assertThatThrownBy(() -> result.get(60, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(JoblibException.class)
          .hasMessageContaining("before it started")
          .hasMessageContaining("now \"-Xss1k\"")
          .hasMessageContaining("stack size specified is too small");
      ProcessesBackendTest.waitUntil(() -> pool.processes().isEmpty());
      assertThat(pool.target()).isZero();
    } finally {
      if (saved == null) {
        System.clearProperty(WorkerCommand.JVM_OPTIONS);
      } else {
        System.setProperty(WorkerCommand.JVM_OPTIONS, saved);
      }
      pool.shutDown();
    }
  }

  static int throwCompiledException(String classesDir) {
    try {
      URLClassLoader loader =
          new URLClassLoader(
              new URL[] {Path.of(classesDir).toUri().toURL()},
              ProcessesLifecycleTest.class.getClassLoader());
      Class<?> type = loader.loadClass("remote.OnlyInWorkerException");
      Constructor<?> ctor = type.getConstructor(String.class);
      throw (RuntimeException) ctor.newInstance("made in the worker");
    } catch (ReflectiveOperationException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void run_exceptionClassOnlyInWorker_failsWithRemoteTaskException(@TempDir Path dir)
      throws Exception {
    Path src = dir.resolve("remote/OnlyInWorkerException.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        "package remote; public class OnlyInWorkerException extends"
            + " RuntimeException { public OnlyInWorkerException(String m) { super(m); } }");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "-d", dir.toString(), src.toString())).isZero();

    assertThatThrownBy(
            () ->
                new Parallel()
                    .backend("processes")
                    .nJobs(2)
                    .run(
                        Stream.of(
                            delayed(ProcessesLifecycleTest::throwCompiledException, dir.toString()),
                            delayed(
                                ProcessesLifecycleTest::throwCompiledException, dir.toString()))))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            RemoteTaskException.class,
            e -> {
              assertThat(e.remoteClassName()).isEqualTo("remote.OnlyInWorkerException");
              assertThat(e.getStackTrace()).isNotEmpty();
              assertThat(Optional.ofNullable(e.getStackTrace()[0].getClassName())).isNotEmpty();
            })
        .hasMessageContaining("made in the worker");
  }
}
