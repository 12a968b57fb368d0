package org.joblib4j.memory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Starts JVMs with this test's class path, as a second process or a restarted program. */
final class Jvms {
  private Jvms() {}

  static Process start(Path log, Class<?> main, String... args) throws IOException {
    return start(log, List.of(), main, args);
  }

  static Process start(Path log, List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx256m");
    command.add("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.util=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.addAll(jvmOptions);
    command.add(main.getName());
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    File out = log.toFile();
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out));
    return pb.start();
  }
}
