package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spark backend on a standalone Master and Worker running as separate JVMs on 127.0.0.1, with
 * drivers launched as {@code spark-submit} launches them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StandaloneClusterTest {
  /**
   * The driver's options: the property that moves the library's calls to Spark, and the module
   * option Kryo needs for lambdas (a Worker-launched cluster-mode driver does not get it).
   */
  private static final List<String> REDIRECT =
      List.of("-Djoblib4j.backend=spark", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED");

  private static StandaloneCluster cluster;

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
  void submit_clientMode_tasksRunInExecutorJvmsAndCancelFreesTheCores() throws Exception {
    Process driver =
        cluster.submit(
            "client", "client", REDIRECT, SubmittedDriver.class.getName(), "squares", "cancel");
    String out = awaitExit(driver, cluster.log("client"), Duration.ofSeconds(150));

    Map<String, String> squares = result(out, "squares");
    assertThat(squares).containsEntry("backend", "spark").containsEntry("right", "true");
    List<String> taskPids = pids(squares.get("taskPids"));
    assertThat(taskPids).isNotEmpty().doesNotContain(squares.get("driverPid"));
    assertThat(taskPids).doesNotContain(Long.toString(driver.pid()));

    Map<String, String> cancel = result(out, "cancel");
    assertThat(cancel.get("outcome")).isEqualTo("IllegalArgumentException:task_0_fails");
    assertThat(Long.parseLong(cancel.get("returnedMs"))).isLessThan(15_000);
    assertThat(cancel.get("met")).isEqualTo("[true,true]");
  }

  @Test
  void submit_clusterMode_driverRunsOnTheWorkerAndTasksInExecutors() throws Exception {
    Process submitter =
        cluster.submit("cluster", "cluster", REDIRECT, SubmittedDriver.class.getName(), "squares");
    assertThat(submitter.waitFor(90, TimeUnit.SECONDS)).as("submission returns").isTrue();
    String out = awaitDriverOutput(Duration.ofSeconds(120));

    Map<String, String> squares = result(out, "squares");
    assertThat(squares).containsEntry("backend", "spark").containsEntry("right", "true");
    assertThat(pids(squares.get("taskPids"))).isNotEmpty().doesNotContain(squares.get("driverPid"));
    assertThat(squares.get("driverPid")).isNotEqualTo(Long.toString(submitter.pid()));
  }

  @Test
  void submit_executorKilledMidRun_resultsRightOrAClearError() throws Exception {
    List<Path> earlierApps = appDirs();
    Process driver =
        cluster.submit("kill", "client", REDIRECT, SubmittedDriver.class.getName(), "kill");
    Path log = cluster.log("kill");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline
        && !(read(log).contains("CALLING") && tasksRunning(earlierApps))) {
      Thread.sleep(200);
    }
    assertThat(tasksRunning(earlierApps)).as("an executor running tasks, to kill").isTrue();
    Thread.sleep(1000);
    List<ProcessHandle> killed = cluster.executors();
    assertThat(killed).isNotEmpty();
    killed.forEach(ProcessHandle::destroyForcibly);

    String out = awaitExit(driver, log, Duration.ofSeconds(150));
    assertThat(out).as("the driver saw its tasks lost mid-run").contains("Lost task");
    String outcome = result(out, "kill").get("outcome");
    assertThat(outcome)
        .satisfiesAnyOf(
            o -> assertThat(o).isEqualTo("right"),
            o -> assertThat(o).startsWith("error:").contains("infrastructure failure"));
  }

  @Test
  void submit_noExecutorCanRegister_callFailsAfterTheBoundedWaitNamingTheMaster() throws Exception {
    List<String> options = new java.util.ArrayList<>(REDIRECT);
    options.add("-Djoblib4j.spark.registrationTimeout=4");
    // Executors of 8 cores never fit on the 3-core Worker: no task slot ever registers.
    Process driver =
        cluster.submit(
            "noslots",
            "client",
            options,
            List.of("spark.executor.cores=8"),
            SubmittedDriver.class.getName(),
            "noslots");

    String out = awaitExit(driver, cluster.log("noslots"), Duration.ofSeconds(90));

    assertThat(result(out, "noslots").get("outcome"))
        .startsWith("error:JoblibException:No_Spark_executor_registered_with_master_spark://")
        .contains("within_4_s");
  }

  /** Returns whether an executor of an application not in {@code earlier} runs a task. */
  private static boolean tasksRunning(List<Path> earlier) throws IOException {
    for (Path app : appDirs()) {
      if (earlier.contains(app)) {
        continue;
      }
      try (Stream<Path> executors = Files.list(app)) {
        for (Path executor : executors.toList()) {
          if (read(executor.resolve("stderr")).contains("Running task")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static List<Path> appDirs() throws IOException {
    try (Stream<Path> dirs = Files.list(cluster.work)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("app-")).toList();
    }
  }

  private static String awaitExit(Process p, Path log, Duration timeout) throws Exception {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "The driver did not end within " + timeout + ":\n" + StandaloneCluster.tail(log));
    }
    String out = read(log);
    assertThat(p.exitValue())
        .as("driver exit code; output:%n%s", StandaloneCluster.tail(log))
        .isZero();
    return out;
  }

  private static String awaitDriverOutput(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Path> stdout = driverStdout();
      if (stdout.isPresent() && read(stdout.get()).contains("DONE")) {
        return read(stdout.get());
      }
      Thread.sleep(250);
    }
    Optional<Path> stdout = driverStdout();
    String stderr =
        stdout.isPresent()
            ? StandaloneCluster.tail(stdout.get().resolveSibling("stderr"))
            : "(no driver folder)";
    throw new AssertionError(
        "The cluster-mode driver printed no DONE within "
            + timeout
            + ":\n"
            + stderr
            + "\n"
            + StandaloneCluster.tail(cluster.log("cluster")));
  }

  private static Optional<Path> driverStdout() throws IOException {
    try (Stream<Path> dirs = Files.list(cluster.work)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("driver-"))
          .map(d -> d.resolve("stdout"))
          .filter(Files::exists)
          .findFirst();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
  }

  private static Map<String, String> result(String out, String scenario) {
    String prefix = "RESULT " + scenario + " ";
    String line =
        out.lines()
            .filter(l -> l.startsWith(prefix))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No " + prefix + "line in:\n" + tailOf(out)));
    Map<String, String> m = new HashMap<>();
    for (String kv : line.substring(prefix.length()).split(" ")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }

  private static String tailOf(String s) {
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }

  private static List<String> pids(String list) {
    return Arrays.asList(list.substring(1, list.length() - 1).split(","));
  }
}
