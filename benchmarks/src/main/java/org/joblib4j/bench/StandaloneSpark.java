package org.joblib4j.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A standalone Spark Master and one Worker, each a separate JVM on 127.0.0.1, started from the
 * runner's own class path (the benchmarks jar holds Spark): a temporary {@code SPARK_HOME} whose
 * {@code jars/} folder links that jar serves the Master, the Worker and the executors the Worker
 * launches. Stopped by {@link #close}, and by a shutdown hook if the runner's JVM ends first.
 */
final class StandaloneSpark implements AutoCloseable {
  private final Path home;
  private final int cores;
  private final String masterUrl;
  private final List<String> opens;
  private final List<Process> daemons = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "standalone-spark-stop");

  private StandaloneSpark(Path home, int cores, int masterPort, List<String> opens) {
    this.home = home;
    this.cores = cores;
    this.masterUrl = "spark://127.0.0.1:" + masterPort;
    this.opens = opens;
  }

  /**
   * Builds a Spark home under {@code parent} and starts a Master and a Worker with {@code cores}
   * cores; waits at most {@code timeout} for each to come up.
   *
   * @throws IllegalStateException if a JVM exits or does not come up in time; its log is in the
   *     message
   */
  static StandaloneSpark start(Path parent, int cores, Duration timeout)
      throws IOException, InterruptedException {
    Path home = Files.createTempDirectory(parent, "spark-home-");
    Path jars = Files.createDirectories(home.resolve("jars"));
    Set<String> names = new HashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      if (Files.isRegularFile(path) && entry.endsWith(".jar")
          && names.add(path.getFileName().toString())) {
        Files.createSymbolicLink(jars.resolve(path.getFileName()), path);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalStateException("no jar on the class path to serve as the Spark jars; run"
          + " with -cp benchmarks/target/benchmarks.jar");
    }
    // The daemons log at INFO to their own files, so that their start can be seen.
    Path conf = Files.createDirectories(home.resolve("conf"));
    Files.writeString(conf.resolve("log4j2.properties"), String.join("\n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.stdout.ref = console",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.target = SYSTEM_OUT",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n",
        ""));
    StandaloneSpark cluster = new StandaloneSpark(home, cores, freePort(), jvmOpens());
    Runtime.getRuntime().addShutdownHook(cluster.hook);
    try {
      Files.createDirectories(home.resolve("work"));
      Process master = cluster.daemon("master", List.of(
          "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1",
          "--port", cluster.masterUrl.substring(cluster.masterUrl.lastIndexOf(':') + 1),
          "--webui-port", Integer.toString(freePort())),
          List.of("-Dspark.master.rest.enabled=false"));
      cluster.awaitLog(master, "master", "New state: ALIVE", timeout);
      Process worker = cluster.daemon("worker", List.of(
          "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1",
          "--cores", Integer.toString(cores),
          "--memory", "2g",
          "--webui-port", Integer.toString(freePort()),
          "--work-dir", home.resolve("work").toString(),
          cluster.masterUrl),
          List.of());
      cluster.awaitLog(worker, "worker", "Successfully registered with master", timeout);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** Returns the Master's URL, {@code spark://127.0.0.1:<port>}. */
  String masterUrl() {
    return masterUrl;
  }

  /** Returns the number of cores the Worker offers. */
  int cores() {
    return cores;
  }

  /** Returns the JVM options Spark's JVMs need, as the parent pom lists them. */
  List<String> opens() {
    return opens;
  }

  /** Returns the end of a daemon's log ({@code master} or {@code worker}), for error messages. */
  String tail(String name) {
    Path file = home.resolve(name + ".log");
    try {
      if (!Files.exists(file)) {
        return "(no log)";
      }
      String s = Files.readString(file, StandardCharsets.ISO_8859_1);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private Process daemon(String name, List<String> mainAndArgs, List<String> jvmOptions)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(opens);
    cmd.add("-Xmx256m");
    cmd.add("-Dlog4j2.configurationFile=" + home.resolve("conf").resolve("log4j2.properties"));
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + File.separator + "*");
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().remove("SPARK_CONF_DIR");
    pb.directory(home.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(home.resolve(name + ".log").toFile());
    Process p = pb.start();
    daemons.add(p);
    return p;
  }

  private void awaitLog(Process p, String name, String line, Duration timeout)
      throws IOException, InterruptedException {
    Path file = home.resolve(name + ".log");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)
          && Files.readString(file, StandardCharsets.ISO_8859_1).contains(line)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "the Spark %s JVM exited with %d before logging \"%s\":%n%s", name, p.exitValue(), line,
            tail(name)));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(String.format(Locale.ROOT,
        "the Spark %s did not log \"%s\" within %d s:%n%s", name, line, timeout.toSeconds(),
        tail(name)));
  }

  /** Stops the Worker (and its executors) and the Master, waits for each, removes the home. */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down; the hook runs stopAll as well.
    }
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // The runner removes its whole work folder at the end.
    }
  }

  private synchronized void stopAll() {
    List<Process> reversed = new ArrayList<>(daemons);
    Collections.reverse(reversed);
    for (Process p : reversed) {
      stop(p);
    }
    daemons.clear();
  }

  private static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      for (ProcessHandle c : children) {
        c.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Forced below.
    }
    if (p.isAlive()) {
      p.destroyForcibly();
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Reads the parent pom's {@code joblib4j.jvm.opens}, filled into a resource by the build. */
  private static List<String> jvmOpens() throws IOException {
    Properties p = new Properties();
    try (InputStream in = StandaloneSpark.class.getResourceAsStream("jvm.properties")) {
      if (in == null) {
        throw new IllegalStateException("org/joblib4j/bench/jvm.properties is missing from the"
            + " class path; rebuild the benchmarks jar with mvn package -pl benchmarks -am");
      }
      p.load(in);
    }
    List<String> out = new ArrayList<>(Arrays.asList(p.getProperty("opens", "").trim()
        .split("\\s+")));
    out.removeIf(s -> s.isEmpty() || s.contains("${"));
    return out;
  }
}
