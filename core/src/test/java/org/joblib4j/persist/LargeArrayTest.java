package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.joblib4j.Joblib;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LargeArrayTest {
  @TempDir Path dir;

  @Test
  void dumpLoad_graphWith200MbDoubleArray_roundTripsAligned() throws Exception {
    double[] big = new double[200 * (1 << 20) / 8];
    for (int i = 0; i < big.length; i += 997) {
      big[i] = i * 0.5;
    }
    big[big.length - 1] = -1.0;
    Path file = dir.resolve("big.bin");
    Joblib.dump(List.of("header", big, 42), file);
    assertThat(Files.size(file)).isBetween(200L << 20, (200L << 20) + 4096);
    List<?> back = Joblib.load(file, List.class);
    assertThat(back.get(0)).isEqualTo("header");
    assertThat(back.get(2)).isEqualTo(42);
    assertThat(Arrays.equals((double[]) back.get(1), big)).isTrue();
  }
}
