package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.joblib4j.CorruptFileException;
import org.joblib4j.Joblib;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dump and load on {@code hdfs://} against an in-process HDFS. */
class HdfsDumpLoadTest {
  private static MiniDFSCluster cluster;
  private static FileSystem fs;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(
        MiniDFSCluster.HDFS_MINIDFS_BASEDIR,
        new File("target/minidfs-" + System.nanoTime()).getAbsolutePath());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    fs = cluster.getFileSystem();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  private static URI uri(String path) {
    return fs.getUri().resolve(path);
  }

  @Test
  void dumpLoad_hdfsUri_roundTripsAndReplacesAtomically() throws Exception {
    URI target = uri("/cache/f/output.pkl");
    fs.mkdirs(new Path("/cache/f"));
    double[] data = new double[300_000];
    data[7] = 7.0;
    Joblib.dump(Map.of("data", data, "name", "first"), target);
    Joblib.dump(Map.of("data", data, "name", "second"), target);
    Map<?, ?> back = Joblib.load(target, Map.class);
    assertThat(back.get("name")).isEqualTo("second");
    assertThat(((double[]) back.get("data"))[7]).isEqualTo(7.0);
    FileStatus[] files = fs.listStatus(new Path("/cache/f"));
    assertThat(files).extracting(s -> s.getPath().getName()).containsExactly("output.pkl");
  }

  @Test
  void dumpLoad_hdfsUriWithCompressionExtension_isCompressed() throws Exception {
    URI target = uri("/cache/g/output.pkl.zst");
    fs.mkdirs(new Path("/cache/g"));
    double[] zeros = new double[1 << 20];
    Joblib.dump(List.of(zeros), target);
    assertThat(fs.getFileStatus(new Path(target)).getLen()).isLessThan(1 << 16);
    List<?> back = Joblib.load(target, List.class);
    assertThat((double[]) back.get(0)).hasSize(1 << 20);
  }

  @Test
  void load_truncatedHdfsFile_throwsCorruptFileException() throws Exception {
    URI target = uri("/cache/h/output.pkl");
    fs.mkdirs(new Path("/cache/h"));
    Joblib.dump(new double[100_000], target);
    byte[] bytes;
    try (var in = fs.open(new Path(target))) {
      bytes = in.readAllBytes();
    }
    try (var out = fs.create(new Path(target), true)) {
      out.write(bytes, 0, bytes.length - 100);
    }
    assertThatThrownBy(() -> Joblib.load(target, Object.class))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("hdfs://");
  }
}
