package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.CorruptFileException;
import org.joblib4j.Joblib;
import org.joblib4j.MmapMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DumpLoadTest {
  @TempDir Path dir;

  record Point(int x, double y, String label) {}

  static final class Holder {
    String name = "h";
    double[] big = new double[100_000];
    int[] small = {1, 2, 3};
    List<Object> items = new ArrayList<>();
    Holder self;
  }

  private static Map<String, Object> sample() {
    Map<String, Object> m = new HashMap<>();
    double[] big = new double[50_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.5;
    }
    m.put("big", big);
    m.put("same", big);
    m.put("small", new long[] {1, 2, 3});
    m.put("bools", new boolean[] {true, false, true});
    m.put("point", new Point(1, 2.5, "p"));
    m.put("list", new ArrayList<>(List.of(1, "two", 3.0)));
    m.put("text", "C'est l\u00e9t\u00e9");
    m.put("nothing", null);
    return m;
  }

  @ParameterizedTest
  @EnumSource(Compression.Codec.class)
  void dumpLoad_everyCodec_roundTrips(Compression.Codec codec) {
    Path file = dir.resolve("v.bin");
    Map<String, Object> value = sample();
    Joblib.dump(value, file, Compression.of(codec));
    @SuppressWarnings("unchecked")
    Map<String, Object> back = Joblib.load(file, Map.class);
    assertThat(back).isNotNull();
    assertThat((double[]) back.get("big")).isEqualTo((double[]) value.get("big"));
    assertThat(back.get("same")).isSameAs(back.get("big"));
    assertThat((long[]) back.get("small")).containsExactly(1, 2, 3);
    assertThat((boolean[]) back.get("bools")).containsExactly(true, false, true);
    assertThat(back.get("point")).isEqualTo(new Point(1, 2.5, "p"));
    assertThat(back.get("list")).isEqualTo(List.of(1, "two", 3.0));
    assertThat(back.get("text")).isEqualTo("C'est l\u00e9t\u00e9");
    assertThat(back).containsKey("nothing");
  }

  @ParameterizedTest
  @EnumSource(Compression.Codec.class)
  void dumpLoad_stream_roundTrips(Compression.Codec codec) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Joblib.dump(sample(), out, Compression.of(codec));
    Map<?, ?> back =
        Joblib.load(new ByteArrayInputStream(out.toByteArray()), Map.class, LoadOptions.defaults());
    assertThat((double[]) back.get("big")).isEqualTo((double[]) sample().get("big"));
  }

  @Test
  void load_mmapReadOnly_buffersAreViewsOfTheFile() throws Exception {
    Path file = dir.resolve("buffers.bin");
    DoubleBuffer db =
        ByteBuffer.allocateDirect(8 * 1000).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer();
    for (int i = 0; i < 1000; i++) {
      db.put(i, i * 2.0);
    }
    ByteBuffer bb = ByteBuffer.allocate(5000);
    bb.put(10, (byte) 7);
    Joblib.dump(List.of(db, bb), file);
    List<?> back =
        Joblib.load(file, List.class, LoadOptions.defaults().mmapMode(MmapMode.READ_ONLY));
    DoubleBuffer d = (DoubleBuffer) back.get(0);
    assertThat(d.isDirect()).isTrue();
    assertThat(d.isReadOnly()).isTrue();
    assertThat(d.get(999)).isEqualTo(1998.0);
    assertThat(((ByteBuffer) back.get(1)).get(10)).isEqualTo((byte) 7);
    List<?> copy = Joblib.load(file, List.class);
    assertThat(((DoubleBuffer) copy.get(0)).get(999)).isEqualTo(1998.0);
    assertThat(Files.list(dir)).containsExactly(file);
  }

  @Test
  void load_cyclicObject_roundTrips() {
    Holder h = new Holder();
    h.self = h;
    h.items.add(h);
    Path file = dir.resolve("h.z");
    Joblib.dump(h, file);
    Holder back = Joblib.load(file, Holder.class);
    assertThat(back.self).isSameAs(back);
    assertThat(back.items.get(0)).isSameAs(back);
    assertThat(back.big).hasSize(100_000);
  }

  @Test
  void load_truncatedFile_throwsCorruptFileException() throws Exception {
    Path file = dir.resolve("t.bin");
    Joblib.dump(sample(), file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> Joblib.load(file, Object.class))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void load_mmapCopyOnWrite_changesNeverReachTheFile() throws Exception {
    Path file = dir.resolve("cow.bin");
    ByteBuffer original = ByteBuffer.allocateDirect(100_000);
    original.put(0, (byte) 1);
    Joblib.dump(original, file);
    LoadOptions cow = LoadOptions.defaults().mmapMode(MmapMode.COPY_ON_WRITE);
    ByteBuffer mapped = Joblib.load(file, ByteBuffer.class, cow);
    assertThat(mapped.isReadOnly()).isFalse();
    mapped.put(0, (byte) 9);
    assertThat(Joblib.load(file, ByteBuffer.class, cow).get(0)).isEqualTo((byte) 1);
  }

  @Test
  void dumpLoad_fileUri_roundTrips() {
    java.net.URI uri = dir.resolve("u.gz").toUri();
    Joblib.dump(List.of("a", 1), uri);
    assertThat(Joblib.load(uri, List.class)).isEqualTo(List.of("a", 1));
    assertThat(Joblib.load(dir.resolve("u.gz"), List.class)).isEqualTo(List.of("a", 1));
  }

  @Test
  void forPath_extensions_followJoblibsTable() {
    assertThat(Compression.forPath(Path.of("a.pkl"))).isEqualTo(Compression.NONE);
    assertThat(Compression.forPath(Path.of("a.pkl.z"))).isEqualTo(Compression.DEFAULT);
    assertThat(Compression.forPath(Path.of("a.GZ")).codec()).isEqualTo(Compression.Codec.GZIP);
    assertThat(Compression.forPath(Path.of("a.lz4")).codec()).isEqualTo(Compression.Codec.LZ4);
    assertThat(Compression.forPath(Path.of("a.zst")))
        .isEqualTo(Compression.of(Compression.Codec.ZSTD, 3));
    assertThat(Compression.forPath(Path.of("a.xz")).level()).isEqualTo(6);
    assertThatThrownBy(() -> Joblib.dump(1, dir.resolve("a.bz2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bz2");
    assertThatThrownBy(() -> Compression.level(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
    assertThat(Compression.level(0)).isEqualTo(Compression.NONE);
  }

  @Test
  void load_compressedFileByExtension_isDetectedFromTheHeader() throws Exception {
    Path zst = dir.resolve("v.zst");
    Joblib.dump(new double[100_000], zst);
    assertThat(Files.size(zst)).isLessThan(10_000);
    Path renamed = Files.move(zst, dir.resolve("renamed.bin"));
    assertThat(Joblib.load(renamed, double[].class)).hasSize(100_000);
  }

  @Test
  void load_notAJoblibFile_throwsCorruptFileException() throws Exception {
    Path file = dir.resolve("plain.txt");
    Files.writeString(file, "hello, this is not a dump");
    assertThatThrownBy(() -> Joblib.load(file, Object.class))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("not a joblib4j file");
  }

  @Test
  void load_wrongType_throwsClassCastExceptionNamingBoth() {
    Path file = dir.resolve("s.bin");
    Joblib.dump("text", file);
    assertThatThrownBy(() -> Joblib.load(file, Integer.class))
        .isInstanceOf(ClassCastException.class)
        .hasMessageContaining("java.lang.String")
        .hasMessageContaining("java.lang.Integer");
  }

  @Test
  void dump_threadInGraph_throwsNamingTheClassAndLeavesNoFile() throws Exception {
    Path file = dir.resolve("t.bin");
    assertThatThrownBy(() -> Joblib.dump(List.of(new Thread()), file))
        .isInstanceOf(org.joblib4j.SerializationException.class)
        .hasMessageContaining("java.lang.Thread");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.Codec.class)
  void load_fileCutAtEveryPointOfItsStart_throwsCorruptFileException(Compression.Codec codec)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Joblib.dump(List.of("x", new double[5000]), out, Compression.of(codec));
    byte[] bytes = out.toByteArray();
    Path file = dir.resolve("cut.bin");
    for (int cut = 0; cut < Math.min(bytes.length, 100); cut++) {
      byte[] part = java.util.Arrays.copyOf(bytes, cut);
      Files.write(file, part);
      assertThatThrownBy(() -> Joblib.load(file, Object.class))
          .isInstanceOf(CorruptFileException.class);
      assertThatThrownBy(
              () ->
                  Joblib.load(new ByteArrayInputStream(part), Object.class, LoadOptions.defaults()))
          .isInstanceOf(CorruptFileException.class);
    }
  }

  @Test
  void dump_largeArraysAndBuffers_startAt64ByteAlignedFileOffsets() throws Exception {
    Path file = dir.resolve("aligned.bin");
    Joblib.dump(
        List.of("a", new double[3000], "bc", new byte[20_001], ByteBuffer.allocate(777), 5), file);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int arrays = 0;
    int at = Format.HEADER_SIZE;
    while (at < b.limit()) {
      byte kind = b.get(at);
      int pad = b.getShort(at + 2) & 0xFFFF;
      long length = b.getLong(at + 4);
      int payload = at + Format.FRAME_HEADER_SIZE + pad;
      if (kind == Format.KIND_ARRAY) {
        arrays++;
        assertThat(payload % 64).as("payload offset %d", payload).isZero();
      }
      at = payload + (int) length + Format.TRAILER_SIZE;
    }
    assertThat(at).isEqualTo(b.limit());
    assertThat(arrays).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(
      value = Compression.Codec.class,
      names = {"NONE"},
      mode = EnumSource.Mode.EXCLUDE)
  void load_dumpCompressedAsAWholeAfterwards_isDetectedFromMagicBytes(Compression.Codec codec)
      throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    Joblib.dump(List.of("whole", new double[4000]), plain, Compression.NONE);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    try (java.io.OutputStream z = Codecs.compress(Codecs.keepOpen(whole), Compression.of(codec))) {
      z.write(plain.toByteArray());
    }
    Path file = dir.resolve("whole.bin");
    Files.write(file, whole.toByteArray());
    assertThat(Joblib.load(file, List.class).get(0)).isEqualTo("whole");
    List<?> fromStream =
        Joblib.load(
            new ByteArrayInputStream(whole.toByteArray()), List.class, LoadOptions.defaults());
    assertThat((double[]) fromStream.get(1)).hasSize(4000);
  }
}
