package org.joblib4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.joblib4j.testing.ValueMatrix.Case;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Turns the {@link ValueMatrix} into one JUnit test per value and path: for paths that leave the
 * JVM, from the lines of a {@link ValueMatrixChild} started once with no module options; for paths
 * that need the test JVM (Spark), by running each value when its test runs.
 */
public final class MatrixTests {
  private MatrixTests() {}

  /**
   * Runs {@code paths} in one child JVM started as {@code java -cp <this class path>
   * ValueMatrixChild}, with no module options, and returns a container of tests per value, one per
   * path, after a test that the child and its workers ran with no module options.
   */
  public static Stream<DynamicNode> inChildJvm(Path dir, long timeoutSeconds, String... paths)
      throws IOException, InterruptedException {
    Path out = dir.resolve("child.out");
    Path err = dir.resolve("child.err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ValueMatrixChild.class.getName());
    command.add(dir.resolve("files").toString());
    command.addAll(List.of(paths));
    ProcessBuilder pb = new ProcessBuilder(command);
    // Options in the environment would reach the child as if given on its command line.
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("_JAVA_OPTIONS");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process child = pb.start();
    boolean finished = child.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    Map<String, Observation> seen = new HashMap<>();
    Map<String, String> jvmOptions = new java.util.LinkedHashMap<>();
    boolean ended = false;
    for (String line : lines) {
      Observation o = Observation.parse(line);
      if (o != null) {
        seen.put(o.path() + "\t" + o.value(), o);
      } else if (line.startsWith(ValueMatrixChild.JVM + "\t")) {
        String[] f = line.split("\t", 3);
        jvmOptions.put(f[1], f[2]);
      } else if (line.equals(ValueMatrixChild.END)) {
        ended = true;
      }
    }
    boolean complete = ended;
    String tail = tail(String.join("\n", lines) + "\n" + stderr);
    List<DynamicNode> nodes = new ArrayList<>();
    nodes.add(
        DynamicTest.dynamicTest(
            "child JVM and its workers with no module options ran every value",
            () -> {
              assertThat(finished)
                  .as("child finished within %d s: %s", timeoutSeconds, tail)
                  .isTrue();
              assertThat(complete).as("child printed %s: %s", ValueMatrixChild.END, tail).isTrue();
              assertThat(jvmOptions).as("JVMs that printed their options").containsKey("this JVM");
              jvmOptions.forEach(
                  (jvm, options) ->
                      assertThat(options).as("options of %s", jvm).doesNotContain("--add-"));
            }));
    for (Case c : ValueMatrix.all()) {
      List<DynamicTest> tests = new ArrayList<>();
      for (String path : paths) {
        Observation o = seen.get(path + "\t" + c.name());
        tests.add(
            DynamicTest.dynamicTest(
                path,
                () -> {
                  if (o == null) {
                    fail(
                        "%s / %s: the child printed nothing for this value; its output: %s",
                        path, c.name(), tail);
                  }
                  MatrixRule.check(c, o, ValuePaths.roots(path));
                }));
      }
      nodes.add(DynamicContainer.dynamicContainer(c.name(), tests));
    }
    return nodes.stream();
  }

  /**
   * Returns a container of tests per value, one per path in {@code paths}, each sending the value
   * along its path in this JVM when it runs; values in the order of {@link ValueMatrix#all}.
   */
  public static Stream<DynamicNode> inThisJvm(Path dir, String... paths) {
    Map<String, ValuePaths.Run> runs = new HashMap<>();
    List<DynamicNode> nodes = new ArrayList<>();
    for (Case c : ValueMatrix.all()) {
      List<DynamicTest> tests = new ArrayList<>();
      for (String path : paths) {
        tests.add(
            DynamicTest.dynamicTest(
                path,
                () -> {
                  ValuePaths.Run run = runs.get(path);
                  if (run == null) {
                    run = ValuePaths.open(path, Files.createDirectories(dir.resolve(path)));
                    runs.put(path, run);
                  }
                  MatrixRule.check(c, run.observe(c), ValuePaths.roots(path));
                }));
      }
      nodes.add(DynamicContainer.dynamicContainer(c.name(), tests));
    }
    return nodes.stream();
  }

  private static String tail(String text) {
    String t = text.strip();
    return t.length() > 4000 ? "..." + t.substring(t.length() - 4000) : t;
  }
}
