package org.joblib4j.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.joblib4j.spi.Serializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cache shared by several JVMs: restarts, concurrent writers, and writers killed. */
class MemoryProcessesTest {
  @TempDir Path dir;

  @BeforeEach
  void resetCalls() {
    CacheChild.calls.set(0);
  }

  @Test
  @Timeout(60)
  void callAndShelve_resultReadInAnotherJvm_withoutRecomputing() throws Exception {
    Path cache = dir.resolve("cache");
    MemorizedFunction<Integer> plusOne = new Memory(cache).verbose(0).memorize(MemoryTest::plusOne);
    MemorizedResult<Integer> shelved = plusOne.callAndShelve(41);
    Path file = dir.resolve("shelved.bin");
    Files.write(file, Serializer.named("java").toBytes(shelved));

    Path log = dir.resolve("child.log");
    Path classes = dir.resolve("classes.log");
    Process child =
        Jvms.start(
            log,
            List.of("-Xlog:class+load=info:file=" + classes),
            CacheChild.class,
            "shelved",
            file.toString());

    assertThat(child.waitFor(45, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(log)).contains("VALUE 42 CALLS 0");
    assertThat(child.exitValue()).isZero();
    // A program with a local location never loads Hadoop.
    assertThat(Files.readString(classes))
        .contains("org.joblib4j.memory.LocalStore")
        .doesNotContain("org.apache.hadoop")
        .doesNotContain("HadoopStore");
  }

  @Test
  @Timeout(90)
  void cache_eightJvmsRacingOnTwentyKeys_noCorruptRead() throws Exception {
    Path cache = dir.resolve("cache");
    Path gate = dir.resolve("gate");
    List<Process> children = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Path log = dir.resolve("race-" + i + ".log");
        logs.add(log);
        children.add(
            Jvms.start(
                log,
                CacheChild.class,
                "race",
                cache.toString(),
                gate.toString(),
                String.valueOf(i)));
      }
      for (Path log : logs) {
        awaitLine(log, "READY", 45);
      }
      Files.writeString(gate, "go");
      for (Process child : children) {
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }
    for (int i = 0; i < 8; i++) {
      String out = Files.readString(logs.get(i));
      assertThat(out)
          .as("child %d", i)
          .contains("DONE wrong=0")
          .doesNotContain("Exception while loading")
          .doesNotContain("WARNING");
      assertThat(children.get(i).exitValue()).isZero();
    }
    var f = new Memory(cache).verbose(0).cache(CacheChild::medium);
    for (int k = 0; k < 20; k++) {
      assertThat(CacheChild.valid(k, f.apply(k), 1 << 17)).isTrue();
    }
    assertThat(CacheChild.calls).hasValue(0);
  }

  @Test
  @Timeout(120)
  void cache_writerKilledDuringWrites50Times_noInvalidEntryServed() throws Exception {
    Path cache = dir.resolve("cache");
    Random random = new Random(42);
    MemorizedFunction<double[]> big = new Memory(cache).verbose(0).memorize(CacheChild::big);
    String warnings;
    try (Stderr err = new Stderr()) {
      for (int round = 0; round < 50; round++) {
        Path log = dir.resolve("writer.log");
        Files.deleteIfExists(log);
        Process writer = Jvms.start(log, CacheChild.class, "writer", cache.toString());
        try {
          awaitLine(log, "READY", 45);
          Thread.sleep(random.nextInt(150));
        } finally {
          writer.destroyForcibly();
          assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        for (int k = 0; k < 4; k++) {
          if (big.checkCallInCache(k)) {
            int before = CacheChild.calls.get();
            assertThat(CacheChild.valid(k, big.apply(k), 1 << 20)).isTrue();
            assertThat(CacheChild.calls.get()).as("served from the cache").isEqualTo(before);
          }
        }
      }
      warnings = err.text();
    }
    assertThat(warnings).doesNotContain("Exception while loading");
    // The kills did land mid-write: they left temporary files, which no reader opened.
    try (var files = Files.walk(cache)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isNotEmpty();
    }
    assertThat(CacheChild.valid(7, big.apply(7), 1 << 20)).isTrue();
    assertThat(CacheChild.valid(7, big.apply(7), 1 << 20)).isTrue();
    assertThat(CacheChild.calls).hasValue(1);
  }

  private static void awaitLine(Path log, String line, int seconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!Files.exists(log) || !Files.readString(log).contains(line)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "No \""
                + line
                + "\" from the child within "
                + seconds
                + " s; its output: "
                + (Files.exists(log) ? Files.readString(log) : "(none)"));
      }
      Thread.sleep(5);
    }
  }
}
