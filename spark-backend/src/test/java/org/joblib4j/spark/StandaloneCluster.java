package org.joblib4j.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A standalone Spark Master and Worker, each a separate JVM on 127.0.0.1, started from the build's
 * own class path: the Spark jars of the test class path are linked into a {@code jars/} folder that
 * serves as {@code SPARK_HOME}, as a Spark distribution would lay them out. Drivers are launched
 * the way {@code spark-submit} launches them. Stopped by {@link #close}, and by a shutdown hook if
 * the test JVM ends first.
 */
final class StandaloneCluster implements AutoCloseable {
  /** Class path entries that are the application's, shipped in the application jar. */
  private static final List<String> APP =
      List.of(
          "/org/joblib4j/",
          "/com/esotericsoftware/kryo5/",
          "/com/dynatrace/hash4j/",
          "/org/tukaani/");

  /** Class path entries that belong to the test tools, in neither place. */
  private static final List<String> TEST_TOOLS =
      List.of(
          "/org/junit/",
          "/org/assertj/",
          "/org/scalatest/",
          "/org/scalactic/",
          "/org/scalatestplus/",
          "/org/opentest4j/",
          "/org/apiguardian/",
          "/net/bytebuddy/",
          "/org/jspecify/",
          "/surefire",
          "/org/apache/maven/");

  final Path home;
  final Path work;
  final int masterPort;
  final String masterUrl;
  final Path appJar;
  private final List<String> opens;
  private final List<Process> daemons = new ArrayList<>();
  private final List<Process> drivers = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "standalone-cluster-stop");

  private StandaloneCluster(Path home, int masterPort, Path appJar) {
    this.home = home;
    this.work = home.resolve("work");
    this.masterPort = masterPort;
    this.masterUrl = "spark://127.0.0.1:" + masterPort;
    this.appJar = appJar;
    String list = System.getProperty("joblib4j.jvm.opens", "");
    this.opens = new ArrayList<>(Arrays.asList(list.trim().split("\\s+")));
    opens.removeIf(String::isEmpty);
  }

  /**
   * Builds the Spark home and the application jar, and starts a Master and a 3-core Worker (a
   * cluster-mode driver takes one).
   */
  static StandaloneCluster start() throws IOException, InterruptedException {
    String env = System.getenv("SPARK_HOME");
    Path home = Path.of(env != null ? env : "target/spark-home").toAbsolutePath();
    Path jars = home.resolve("jars");
    List<Path> appEntries = new ArrayList<>();
    linkSparkJars(jars, appEntries);
    Path appJar = home.resolve("app").resolve("joblib4j-test-app.jar");
    buildJar(appJar, appEntries);
    StandaloneCluster cluster = new StandaloneCluster(home, freePort(), appJar);
    Runtime.getRuntime().addShutdownHook(cluster.hook);
    try {
      deleteRecursively(cluster.work);
      Files.createDirectories(cluster.work);
      Process master =
          cluster.daemon(
              "master",
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(cluster.masterPort),
                  "--webui-port",
                  Integer.toString(freePort())),
              List.of("-Dspark.master.rest.enabled=false"));
      cluster.awaitLog(master, "master", "New state: ALIVE", Duration.ofSeconds(60));
      Process worker =
          cluster.daemon(
              "worker",
              List.of(
                  "org.apache.spark.deploy.worker.Worker",
                  "--host",
                  "127.0.0.1",
                  "--cores",
                  "3",
                  "--memory",
                  "2g",
                  "--webui-port",
                  Integer.toString(freePort()),
                  "--work-dir",
                  cluster.work.toString(),
                  cluster.masterUrl),
              List.of());
      cluster.awaitLog(
          worker, "worker", "Successfully registered with master", Duration.ofSeconds(60));
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Starts a driver as {@code spark-submit} would, with {@code driverOptions} as the driver JVM's
   * options, and returns its process; its output goes to {@code <name>.log}.
   */
  Process submit(
      String name, String deployMode, List<String> driverOptions, String mainClass, String... args)
      throws IOException {
    return submit(name, deployMode, driverOptions, List.of(), mainClass, args);
  }

  /** As {@link #submit(String, String, List, String, String...)}, with more {@code --conf}s. */
  Process submit(
      String name,
      String deployMode,
      List<String> driverOptions,
      List<String> conf,
      String mainClass,
      String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(opens);
    cmd.add("-Xmx512m");
    cmd.addAll(driverOptions);
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + File.separator + "*");
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", masterUrl, "--deploy-mode", deployMode, "--class", mainClass));
    cmd.addAll(List.of("--driver-java-options", String.join(" ", driverOptions)));
    cmd.addAll(
        List.of("--conf", "spark.driver.extraJavaOptions=" + String.join(" ", driverOptions)));
    cmd.addAll(List.of("--conf", "spark.executor.memory=512m"));
    cmd.addAll(List.of("--conf", "spark.driver.memory=512m"));
    cmd.addAll(List.of("--conf", "spark.ui.enabled=false"));
    cmd.addAll(List.of("--conf", "spark.driver.host=127.0.0.1"));
    for (String c : conf) {
      cmd.addAll(List.of("--conf", c));
    }
    cmd.add(appJar.toString());
    cmd.addAll(Arrays.asList(args));
    Process p = start(cmd, home.resolve(name + ".log"));
    synchronized (drivers) {
      drivers.add(p);
    }
    return p;
  }

  /** Returns the log file of a process started by {@link #submit} under {@code name}. */
  Path log(String name) {
    return home.resolve(name + ".log");
  }

  /** Returns the process ids of the executor JVMs the Worker runs now. */
  List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process d : daemons) {
      d.descendants()
          .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
          .forEach(out::add);
    }
    return out;
  }

  private Process daemon(String name, List<String> mainAndArgs, List<String> jvmOptions)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(opens);
    cmd.add("-Xmx256m");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + File.separator + "*");
    cmd.addAll(mainAndArgs);
    Process p = start(cmd, home.resolve(name + ".log"));
    daemons.add(p);
    return p;
  }

  private Process start(List<String> cmd, Path logFile) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().remove("SPARK_CONF_DIR");
    pb.directory(home.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(logFile.toFile());
    return pb.start();
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
        throw new IllegalStateException(
            "The " + name + " JVM exited with " + p.exitValue() + ":\n" + tail(file));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "The " + name + " did not log \"" + line + "\" within " + timeout + ":\n" + tail(file));
  }

  static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "(no log)";
    }
    String s = Files.readString(file, StandardCharsets.ISO_8859_1);
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }

  /** Stops the drivers, executors, Worker and Master; waits for each to end. */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down; the hook runs stopAll as well.
    }
  }

  private void stopAll() {
    List<Process> all = new ArrayList<>();
    synchronized (drivers) {
      all.addAll(drivers);
    }
    List<Process> reversed = new ArrayList<>(daemons);
    java.util.Collections.reverse(reversed);
    all.addAll(reversed);
    for (Process p : all) {
      stop(p);
    }
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Links Spark's jars into {@code jars}; collects what belongs to the application. */
  private static void linkSparkJars(Path jars, List<Path> appEntries) throws IOException {
    if (Files.isDirectory(jars)) {
      try (Stream<Path> old = Files.list(jars)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(jars);
    Set<String> names = new HashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      String unix = path.toString().replace(File.separatorChar, '/');
      if (TEST_TOOLS.stream().anyMatch(unix::contains) || !Files.exists(path)) {
        continue;
      }
      // Under `mvn verify` the reactor puts the project's own modules here as packaged jars
      // (joblib4j-core-*.jar), under `mvn test` as class folders: both are the application's.
      if (Files.isDirectory(path)
          || APP.stream().anyMatch(unix::contains)
          || path.getFileName().toString().startsWith("joblib4j-")) {
        appEntries.add(path);
      } else if (unix.endsWith(".jar") && names.add(path.getFileName().toString())) {
        Files.createSymbolicLink(jars.resolve(path.getFileName()), path);
      }
    }
  }

  /** Writes one jar holding the classes of the given folders and jars. */
  private static void buildJar(Path jar, List<Path> entries) throws IOException {
    Files.createDirectories(jar.getParent());
    Set<String> seen = new HashSet<>();
    java.util.Map<String, StringBuilder> services = new java.util.TreeMap<>();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry)) {
          Files.walkFileTree(
              entry,
              new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                  String name = entry.relativize(file).toString().replace(File.separatorChar, '/');
                  if (name.startsWith("META-INF/services/")) {
                    services
                        .computeIfAbsent(name, k -> new StringBuilder())
                        .append(Files.readString(file))
                        .append('\n');
                  } else if (seen.add(name)) {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(file, out);
                    out.closeEntry();
                  }
                  return FileVisitResult.CONTINUE;
                }
              });
        } else {
          try (JarFile in = new JarFile(entry.toFile())) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
              String name = e.getName();
              if (name.startsWith("META-INF/services/") && !e.isDirectory()) {
                try (InputStream is = in.getInputStream(e)) {
                  services
                      .computeIfAbsent(name, k -> new StringBuilder())
                      .append(new String(is.readAllBytes(), StandardCharsets.UTF_8))
                      .append('\n');
                }
                continue;
              }
              if (e.isDirectory()
                  || name.startsWith("META-INF/MANIFEST")
                  || name.endsWith(".SF")
                  || name.endsWith(".RSA")
                  || name.endsWith(".DSA")
                  || !seen.add(name)) {
                continue;
              }
              out.putNextEntry(new JarEntry(name));
              try (InputStream is = in.getInputStream(e)) {
                is.transferTo(out);
              }
              out.closeEntry();
            }
          }
        }
      }
      for (java.util.Map.Entry<String, StringBuilder> e : services.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue().toString().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
  }

  static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
