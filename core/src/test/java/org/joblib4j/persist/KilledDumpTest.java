package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.joblib4j.Joblib;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dump killed mid-write leaves the previous file intact. */
class KilledDumpTest {
  @TempDir Path dir;

  /** Dumps a large array filled with the round number to the target, forever. */
  public static final class DumpLoop {
    private DumpLoop() {}

    public static void main(String[] args) {
      Path target = Path.of(args[0]);
      double[] data = new double[8 << 20];
      for (int round = 1; ; round++) {
        java.util.Arrays.fill(data, round);
        Joblib.dump(data, target);
      }
    }
  }

  @Test
  void dump_processKilledMidWrite_leavesOldFileIntact() throws Exception {
    Path target = dir.resolve("value.bin");
    double[] old = new double[8 << 20];
    java.util.Arrays.fill(old, -1.0);
    Joblib.dump(old, target);
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                DumpLoop.class.getName(),
                target.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log.txt").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean writing = false;
      while (!writing && System.nanoTime() < deadline && p.isAlive()) {
        try (Stream<Path> files = Files.list(dir)) {
          writing =
              files.anyMatch(
                  f -> Persistence.isTemporaryName(f.getFileName().toString()) && size(f) > 0);
        }
        if (!writing) {
          Thread.sleep(5);
        }
      }
      assertThat(writing).as("a dump was in progress").isTrue();
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    double[] back = Joblib.load(target, double[].class);
    assertThat(back).hasSize(8 << 20);
    double first = back[0];
    assertThat(first == -1.0 || first >= 1.0).isTrue();
    for (double v : back) {
      if (v != first) {
        throw new AssertionError("mixed contents: " + first + " and " + v);
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().equals("value.bin")).count())
          .isEqualTo(1);
    }
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void dump_completed_leavesNoTemporaryFiles() throws Exception {
    Path target = dir.resolve("v.bin");
    Joblib.dump(List.of(1, 2), target);
    Joblib.dump(List.of(3), target);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }
}
