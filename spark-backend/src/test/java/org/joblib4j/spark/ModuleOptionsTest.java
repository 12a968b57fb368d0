package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded context in a program started with a plain {@code java -cp} command, without the
 * module options {@code spark-submit} passes: one warning line naming the missing options, or one
 * clear error, and never a stack trace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModuleOptionsTest {
  private static final String INVOKE = "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED";

  @TempDir Path dir;

  @Test
  void run_embeddedContextWithoutModuleOptions_runsWithoutWarningOrStackTrace() throws Exception {
    List<String> out = runDriver(List.of());

    assertThat(out).contains("RESULT [0, 1, 4, 9, 16, 25]", "DONE");
    assertThat(out).noneMatch(l -> l.contains("--add-opens"));
    assertThat(out).noneMatch(l -> l.startsWith("\tat ")).noneMatch(l -> l.contains("Exception"));
  }

  @Test
  void run_sparkKryoSerializerWithoutModuleOptions_failsNamingTheOptionsWithoutStackTrace()
      throws Exception {
    List<String> out =
        runDriver(List.of("-Dspark.serializer=org.apache.spark.serializer.KryoSerializer"));

    assertThat(out).contains("DONE").noneMatch(l -> l.startsWith("RESULT"));
    List<String> naming = out.stream().filter(l -> l.contains("--add-opens")).toList();
    assertThat(naming).hasSize(1);
    assertThat(naming.get(0))
        .startsWith("ERROR org.joblib4j.JoblibException: Cannot start a SparkContext")
        .contains(
            INVOKE,
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "spark-submit");
    assertThat(out).noneMatch(l -> l.startsWith("\tat "));
  }

  @Test
  void run_programsOwnContextWithoutModuleOptions_isUsedAsItIsWithoutWarning() throws Exception {
    List<String> out = runDriver(List.of(), "own");

    assertThat(out).contains("RESULT [0, 1, 4, 9, 16, 25]", "DONE");
    assertThat(out).noneMatch(l -> l.contains("--add-opens")).noneMatch(l -> l.startsWith("\tat "));
  }

  @Test
  void run_embeddedContextOfAPlainProgram_listensOnLoopbackOnlyAndHasNoUi() throws Exception {
    List<String> out = runDriver(List.of(), false, "sockets");

    assertThat(out).contains("RESULT [0, 1, 4, 9, 16, 25]", "DONE", "UI None");
    List<String> listening =
        out.stream().filter(l -> l.startsWith("LISTEN ")).map(l -> l.substring(7)).toList();
    assertThat(listening).as("the driver's RPC server listens").isNotEmpty();
    // /proc/net/tcp: 0100007F is 127.0.0.1; tcp6 writes ::1 and ::ffff:127.0.0.1 as below.
    assertThat(listening)
        .allMatch(
            a ->
                a.startsWith("0100007F:")
                    || a.startsWith("00000000000000000000000001000000:")
                    || a.startsWith("0000000000000000FFFF00000100007F:"),
            "a loopback address");
  }

  /** Runs {@link PlainJavaDriver} with the test class path and no module options. */
  private List<String> runDriver(List<String> properties, String... args)
      throws IOException, InterruptedException {
    return runDriver(properties, true, args);
  }

  /**
   * Runs {@link PlainJavaDriver} with the test class path and no module options; with {@code
   * loopbackSettings}, the UI off and the driver on 127.0.0.1 whatever joblib4j's defaults are.
   */
  private List<String> runDriver(List<String> properties, boolean loopbackSettings, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-Xmx512m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Djoblib4j.spark.master=local[2]");
    if (loopbackSettings) {
      cmd.add("-Dspark.ui.enabled=false");
      cmd.add("-Dspark.driver.host=127.0.0.1");
    }
    cmd.addAll(properties);
    cmd.add(PlainJavaDriver.class.getName());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // Options the java launcher would read from the environment.
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    if (loopbackSettings) {
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    } else {
      pb.environment().remove("SPARK_LOCAL_IP");
    }
    Path log = dir.resolve("driver.log");
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the driver exits").isTrue();
    } finally {
      p.destroyForcibly();
    }
    List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit code; output:%n%s", String.join("\n", out)).isZero();
    return out;
  }
}
