package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.joblib4j.Joblib;
import org.joblib4j.MmapMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads dumping to and loading from one file always see a complete value. */
class ConcurrentDumpLoadTest {
  @TempDir Path dir;

  @Test
  void dumpAndLoad_racingOnOneFile_everyLoadSeesACompleteValue() throws Exception {
    Path target = dir.resolve("shared.bin");
    Joblib.dump(filled(0), target);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int writer = t + 1;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 20; i++) {
                    Joblib.dump(filled(writer * 100 + i), target);
                  }
                  return null;
                }));
      }
      for (int t = 0; t < 2; t++) {
        MmapMode mode = t == 0 ? MmapMode.NONE : MmapMode.READ_ONLY;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 40; i++) {
                    double[] v =
                        Joblib.load(target, double[].class, LoadOptions.defaults().mmapMode(mode));
                    double first = v[0];
                    assertThat(Arrays.stream(v).allMatch(x -> x == first)).isTrue();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  private static double[] filled(int value) {
    double[] a = new double[200_000];
    Arrays.fill(a, value);
    return a;
  }
}
