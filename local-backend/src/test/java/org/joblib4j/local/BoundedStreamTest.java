package org.joblib4j.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.joblib4j.testing.BoundedStreamChild;
import org.joblib4j.testing.PlainJvm;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lazy input, bounded memory, for any task speed: two million results of an endless stream of tiny
 * tasks, read in order in a JVM of 256 MB. Before the bound on bytes in flight, batches grew until
 * one lasted 0.2 s, millions of tasks each, and the heap ran out.
 */
class BoundedStreamTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"threading", "processes"})
  void stream_endlessTinyTasks_readsTwoMillionInOrderIn256Mb(String backend) throws Exception {
    String out =
        PlainJvm.run(
            dir.resolve("child.log"),
            entry -> true,
            List.of("-Xmx256m"),
            BoundedStreamChild.class,
            backend,
            "2000000");

    assertThat(out).contains("OK 2000000 ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"threading", "processes"})
  void stream_endlessTinyTasks_holdsNoMoreAfterTwoMillionThanAfterOne(String backend)
      throws Exception {
    // A small bound on bytes in flight keeps the call's own window to a few MB, so that anything
    // kept per task (a hundred bytes or more over the million between the two looks) shows.
    String out =
        PlainJvm.run(
            dir.resolve("child.log"),
            entry -> true,
            List.of("-Xmx256m", "-Djoblib4j.maxInFlight=4m"),
            BoundedStreamChild.class,
            backend,
            "2000000");

    assertThat(BoundedStreamChild.growthMegabytes(out))
        .as("MB the heap holds more after 2,000,000 results than after 1,000,000")
        .isLessThan(24);
  }
}
