package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptionFuzzTest {
  @TempDir Path dir;

  @Test
  void load_tenThousandDamagedFiles_onlyCorruptFileExceptionWithin256MbHeap() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CorruptionFuzz.class.getName());
    command.add(dir.toString());
    command.add("10000");
    command.add("20261128");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .start();
    boolean done = p.waitFor(150, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = java.nio.file.Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    assertThat(done).as("fuzz finished in time; output:%n%s", out).isTrue();
    assertThat(out).as(out).contains("OK 10000");
    assertThat(p.exitValue()).isZero();
    assertThat(new File(dir.toFile(), "fuzz.bin")).exists();
  }
}
