package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.joblib4j.testing.BoundedStreamChild;
import org.joblib4j.testing.PlainJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy input, bounded memory on Spark: two million results of an endless stream of tiny tasks, read
 * in order by a driver of 256 MB with its embedded context.
 */
class SparkBoundedStreamTest {
  @TempDir Path dir;

  @Test
  void stream_endlessTinyTasks_readsTwoMillionInOrderIn256Mb() throws Exception {
    String out =
        PlainJvm.run(
            dir.resolve("child.log"),
            entry -> true,
            // Spark refuses a driver under 450 MB unless told its memory; the heap stays 256 MB.
            List.of("-Xmx256m", "-Dspark.testing.memory=536870912"),
            BoundedStreamChild.class,
            "spark",
            "2000000");

    assertThat(out).contains("OK 2000000 ");
  }
}
