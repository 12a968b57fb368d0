package org.joblib4j.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.joblib4j.SerializableFunction;
import org.joblib4j.spi.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cache on {@code hdfs://}, against an in-process HDFS. */
@Timeout(120)
class HdfsMemoryTest {
  private static MiniDFSCluster cluster;
  private static FileSystem fs;
  private static URI root;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(
        MiniDFSCluster.HDFS_MINIDFS_BASEDIR,
        new File("target/minidfs-" + System.nanoTime()).getAbsolutePath());
    conf.setLong("dfs.namenode.accesstime.precision", 1);
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    fs = cluster.getFileSystem();
    root = fs.getUri();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @BeforeEach
  void resetCalls() {
    MemoryTest.calls.set(0);
  }

  @Test
  void cache_onHdfs_secondCallReadsFromHdfs() throws Exception {
    URI location = root.resolve("/seed");
    Memory memory = new Memory(location).verbose(0);
    SerializableFunction<double[][], double[][]> square = memory.cache(MemoryTest::square);

    double[][] b = square.apply(new double[][] {{1, 2}, {3, 4}});
    double[][] c = square.apply(new double[][] {{1, 2}, {3, 4}});

    assertThat(MemoryTest.calls).hasValue(1);
    assertThat(c).isDeepEqualTo(b).isDeepEqualTo(new double[][] {{1, 4}, {9, 16}});
    assertThat(memory.location()).contains(location);
    Path function =
        new Path(location.toString() + "/joblib4j/org.joblib4j.memory.MemoryTest.square");
    assertThat(fs.exists(new Path(location.toString() + "/.gitignore"))).isTrue();
    assertThat(fs.exists(new Path(function, "func_code.txt"))).isTrue();
    var items = fs.listStatus(function, p -> p.getName().matches("[0-9a-f]{32}"));
    assertThat(items).hasSize(1);
    assertThat(fs.exists(new Path(items[0].getPath(), "output"))).isTrue();
    assertThat(fs.exists(new Path(items[0].getPath(), "metadata.json"))).isTrue();
    assertThat(fs.listStatus(items[0].getPath())).hasSize(2);
  }

  @Test
  void cache_onHdfs_shelveReduceSizeAndCorruption() throws Exception {
    URI location = root.resolve("/ops");
    Memory memory = new Memory(location).verbose(0);
    MemorizedFunction<Integer> plusOne = memory.memorize(MemoryTest::plusOne);
    for (int i = 0; i < 4; i++) {
      assertThat(plusOne.callAndShelve(i).get()).isEqualTo(i + 1);
    }
    assertThat(plusOne.checkCallInCache(3)).isTrue();

    // A serialized cached function reconnects to HDFS on the other side.
    @SuppressWarnings("unchecked")
    SerializableFunction<Integer, Integer> copy =
        (SerializableFunction<Integer, Integer>)
            Serializer.current().fromBytes(Serializer.current().toBytes(memory.cache(MemoryTest::plusOne)));
    assertThat(copy.apply(2)).isEqualTo(3);
    assertThat(MemoryTest.calls).hasValue(4);

    // Corrupt one output: recomputed with a warning.
    MemorizedResult<Integer> r = plusOne.callAndShelve(0);
    Path output =
        new Path(
            location.toString()
                + "/joblib4j/"
                + r.functionId()
                + "/"
                + r.argumentHash()
                + "/output");
    try (FSDataOutputStream out = fs.create(output, true)) {
      out.write("garbage".getBytes(StandardCharsets.UTF_8));
    }
    try (Stderr err = new Stderr()) {
      assertThat(plusOne.apply(0)).isEqualTo(1);
      assertThat(err.text()).contains("Exception while loading results");
    }
    assertThat(MemoryTest.calls).hasValue(5);

    memory.reduceSize(null, 1, null);
    int kept = 0;
    for (int i = 0; i < 4; i++) {
      kept += plusOne.checkCallInCache(i) ? 1 : 0;
    }
    assertThat(kept).isEqualTo(1);
    memory.clear();
    assertThat(plusOne.checkCallInCache(0)).isFalse();
  }
}
