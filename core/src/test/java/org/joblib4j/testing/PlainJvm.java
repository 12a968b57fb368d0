package org.joblib4j.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs a main class in a child JVM started as a user starts a program: {@code java -cp} and no
 * options but the ones given, with this test's class path less the entries a test leaves out.
 */
public final class PlainJvm {
  private PlainJvm() {}

  /**
   * Runs {@code main} with {@code args} and returns what it printed (standard output and error),
   * waiting at most 60 s; the class path keeps the entries {@code keep} accepts.
   */
  public static String run(
      Path log, Predicate<String> keep, List<String> jvmOptions, Class<?> main, String... args)
      throws IOException, InterruptedException {
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(keep)
            .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(main.getName());
    command.addAll(Arrays.asList(args));
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return Files.readString(log);
  }
}
