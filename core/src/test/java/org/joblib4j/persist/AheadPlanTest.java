package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.kryo5.Kryo;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.joblib4j.MmapMode;
import org.joblib4j.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first dump of a JVM: large arrays written ahead while another thread builds Kryo, for graphs
 * the plan predicts, predicts in part, and predicts wrongly, with Kryo ready at once, soon, or
 * after every array is written.
 */
class AheadPlanTest {
  @TempDir Path dir;

  record Model(String name, int epoch, double[] weights, long[] index) {}

  record Twice(double[] a, double[] b, List<Object> more) {}

  record AllTypes(
      byte[] b, short[] s, char[] c, int[] i, long[] l, float[] f, double[] d, boolean[] z) {}

  /** "aText" sorts before "data": a long string fills more than the space left before data. */
  record LongPrefix(String aText, double[] data) {}

  /** Its accessor gives a copy: the graph reaches another array than the field the plan read. */
  record Copying(double[] data, long[] later) {
    @Override
    public double[] data() {
      return data.clone();
    }
  }

  record BufferFirst(ByteBuffer a, double[] b) {}

  record BufferAfter(double[] a, DoubleBuffer b, long[] c) {}

  record Refused(double[] data, Thread thread) {}

  static final class Holder {
    double[] big = filled(30_000);
    long[] other = new long[4_000];
  }

  static class Base {
    double[] data = filled(3_000);
    transient long[] skipped = longs(5_000);
  }

  /** Hides its superclass's field: Kryo writes both, the subclass's first, after "alpha". */
  static final class Derived extends Base {
    @SuppressWarnings("HidingField")
    double[] data = filled(2_500);

    long[] alpha = longs(3_000);
  }

  private static double[] filled(int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = i * 0.25 - 7;
    }
    return d;
  }

  private static long[] longs(int n) {
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] = i * 31L - 5;
    }
    return l;
  }

  private static Map<String, Object> graphs() {
    Map<String, Object> g = new HashMap<>();
    // Larger than a chunk (4 MB), so a payload can be part written ahead when Kryo is ready.
    g.put("model", new Model("m", 3, filled(700_000), longs(300_000)));
    double[] shared = filled(5_000);
    g.put("sameArrayThrice", new Twice(shared, shared, new ArrayList<>(List.of(shared, "x"))));
    List<Object> many = new ArrayList<>();
    for (int i = 0; i < AheadPlan.MAX_SLOTS + 40; i++) {
      many.add(i % 3 == 0 ? filled(2_100 + i) : i % 3 == 1 ? longs(10) : many.get(i - 1));
    }
    g.put("manyArraysInAList", many);
    byte[] bytes = new byte[20_000];
    Arrays.fill(bytes, (byte) 7);
    boolean[] bools = new boolean[17_000];
    bools[5] = true;
    char[] chars = new char[9_000];
    Arrays.fill(chars, 'q');
    g.put(
        "everyType",
        new AllTypes(
            bytes,
            new short[9_000],
            chars,
            new int[5_000],
            longs(3_000),
            new float[5_000],
            filled(3_000),
            bools));
    g.put("longPrefix", new LongPrefix("t".repeat(10_000), filled(4_000)));
    g.put("copyingAccessor", new Copying(filled(4_000), longs(4_000)));
    g.put("plainObject", new Holder());
    g.put("hiddenField", new Derived());
    Map<String, Object> map = new HashMap<>();
    map.put("a", filled(3_000));
    map.put("b", longs(3_000));
    g.put("mapOfArrays", map);
    g.put("bufferFirst", new BufferFirst(ByteBuffer.allocate(30_000), filled(3_000)));
    g.put(
        "bufferAfter",
        new BufferAfter(filled(3_000), DoubleBuffer.wrap(filled(3_000)), longs(3_000)));
    long[] inner = longs(5_000);
    g.put(
        "nestedObjectArrays",
        new Object[] {filled(5_000), "s", new int[10], new Object[] {inner, inner, null}, 7});
    g.put("rootArray", filled(10_000));
    g.put("smallOnly", new Model("small", 1, new double[3], new long[4]));
    return g;
  }

  /** Builds Kryo after {@code millis}: at once, while arrays are written, or after all of them. */
  private static Callable<Kryo> after(long millis) {
    return () -> {
      Thread.sleep(millis);
      return PersistKryo.newKryo();
    };
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String name : graphs().keySet()) {
      for (long millis : new long[] {0, 15, 150}) {
        cases.add(Arguments.of(name, millis));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, Kryo after {1} ms")
  @MethodSource("cases")
  void dump_withArraysWrittenAhead_loadsBackEqualInEveryMode(String name, long millis)
      throws Exception {
    Object value = graphs().get(name);
    Path file = dir.resolve(name + ".jl");

    Persistence.dump(value, file, Compression.NONE, after(millis));

    checkFrames(file);
    for (MmapMode mode : MmapMode.values()) {
      Object back = Persistence.load(file, LoadOptions.defaults().mmapMode(mode));
      assertThat(DeepEquals.deepEquals(normalized(value), normalized(back)))
          .as("%s loaded with mmapMode %s", name, mode)
          .isTrue();
    }
    try (InputStream in = Files.newInputStream(file)) {
      Object back = Persistence.load(in, LoadOptions.defaults());
      assertThat(DeepEquals.deepEquals(normalized(value), normalized(back))).isTrue();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  /** Buffers come back as buffers of the same content; compare their contents. */
  private static Object normalized(Object v) {
    if (v instanceof BufferFirst b) {
      return List.of(contents(b.a()), b.b());
    }
    if (v instanceof BufferAfter b) {
      return List.of(b.a(), contents(b.b()), b.c());
    }
    if (v instanceof Holder h) {
      return List.of(h.big, h.other);
    }
    if (v instanceof Derived d) {
      return List.of(d.alpha, d.data, ((Base) d).data);
    }
    return v;
  }

  private static Object contents(java.nio.Buffer b) {
    if (b instanceof ByteBuffer bb) {
      byte[] a = new byte[bb.remaining()];
      bb.duplicate().get(a);
      return a;
    }
    DoubleBuffer d = ((DoubleBuffer) b).duplicate();
    double[] a = new double[d.remaining()];
    d.get(a);
    return a;
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"longPrefix", "copyingAccessor", "bufferFirst", "mapOfArrays", "smallOnly"})
  void dump_planWrongOrEmptyAtItsFirstArray_writesTheBytesOfAnOrderedDump(String name)
      throws Exception {
    Object value = graphs().get(name);
    Path ahead = dir.resolve("ahead.jl");
    Path ordered = dir.resolve("ordered.jl");

    Persistence.dump(value, ahead, Compression.NONE, after(15));
    Persistence.dump(value, ordered, Compression.NONE);

    assertThat(Files.readAllBytes(ahead)).isEqualTo(Files.readAllBytes(ordered));
  }

  @Test
  void dump_sameArrayThrice_staysOneArrayWhenLoaded() {
    double[] shared = filled(5_000);
    Path file = dir.resolve("shared.jl");

    Persistence.dump(new Twice(shared, shared, List.of(shared)), file, Compression.NONE, after(15));

    Twice back = (Twice) Persistence.load(file, LoadOptions.defaults());
    assertThat(back.a()).isSameAs(back.b()).isSameAs(back.more().get(0));
  }

  @Test
  void dump_modelPredicted_writesItsArraysAtThePlannedOffsets() throws Exception {
    Model model = new Model("m", 3, filled(700_000), longs(300_000));
    AheadPlan plan = AheadPlan.of(model);
    Path file = dir.resolve("planned.jl");

    Persistence.dump(model, file, Compression.NONE, after(15));

    // Components in name order: epoch, index, name, weights.
    assertThat(plan.size()).isEqualTo(2);
    assertThat(plan.slot(0).array).isSameAs(model.index());
    assertThat(plan.slot(1).array).isSameAs(model.weights());
    assertThat(checkFrames(file))
        .containsExactly(
            Format.HEADER_SIZE + plan.slot(0).payload, Format.HEADER_SIZE + plan.slot(1).payload);
  }

  @Test
  void dump_plainObjectPredicted_writesItsFieldsArraysAtThePlannedOffsets() throws Exception {
    Holder holder = new Holder();
    AheadPlan plan = AheadPlan.of(holder);
    Path file = dir.resolve("fields.jl");

    Persistence.dump(holder, file, Compression.NONE, after(15));

    // Fields in name order: big, other.
    assertThat(plan.size()).isEqualTo(2);
    assertThat(plan.slot(0).array).isSameAs(holder.big);
    assertThat(plan.slot(1).array).isSameAs(holder.other);
    assertThat(checkFrames(file))
        .containsExactly(
            Format.HEADER_SIZE + plan.slot(0).payload, Format.HEADER_SIZE + plan.slot(1).payload);
  }

  @Test
  void dump_hiddenField_followsKryosOrderAndSkipsTransientFields() throws Exception {
    Derived d = new Derived();
    AheadPlan plan = AheadPlan.of(d);
    Path file = dir.resolve("hidden.jl");

    Persistence.dump(d, file, Compression.NONE, after(15));

    assertThat(plan.size()).isEqualTo(3);
    assertThat(plan.slot(0).array).isSameAs(d.alpha);
    assertThat(plan.slot(1).array).isSameAs(d.data);
    assertThat(plan.slot(2).array).isSameAs(((Base) d).data);
    assertThat(checkFrames(file))
        .containsExactly(
            Format.HEADER_SIZE + plan.slot(0).payload,
            Format.HEADER_SIZE + plan.slot(1).payload,
            Format.HEADER_SIZE + plan.slot(2).payload);
  }

  @Test
  void dump_builderFails_throwsItsErrorAndLeavesNoFile() {
    Path file = dir.resolve("failed.jl");
    Callable<Kryo> failing =
        () -> {
          throw new IllegalStateException("no Kryo today");
        };

    assertThatThrownBy(
            () ->
                Persistence.dump(
                    new Model("m", 1, filled(700_000), longs(10)), file, Compression.NONE, failing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no Kryo today");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void dump_graphRefusedAfterArraysWrittenAhead_failsTypedAndLeavesNoFile() {
    Path file = dir.resolve("refused.jl");

    assertThatThrownBy(
            () ->
                Persistence.dump(
                    new Refused(filled(700_000), Thread.currentThread()),
                    file,
                    Compression.NONE,
                    after(15)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("java.lang.Thread")
        .hasMessageContaining("root.thread");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void dump_toAMissingFolder_failsAndStopsTheBuilderThread() throws Exception {
    Path file = dir.resolve("missing").resolve("v.jl");

    assertThatThrownBy(
            () ->
                Persistence.dump(
                    new Model("m", 1, filled(100_000), longs(10)),
                    file,
                    Compression.NONE,
                    after(50)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("does not exist");
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("joblib4j-kryo-setup")) {
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
      }
    }
  }

  @Test
  void dump_interruptedCaller_failsAsTheSequentialDumpDoesAndKeepsTheFlag() {
    Path file = dir.resolve("interrupted.jl");
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () ->
                  Persistence.dump(
                      new Model("m", 1, filled(700_000), longs(10)),
                      file,
                      Compression.NONE,
                      after(15)))
          .isInstanceOf(UncheckedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(dir).isEmptyDirectory();
  }

  /**
   * Walks the frames of an uncompressed file, checking each header's checksum, that the file ends
   * with the end frame, and that array payloads are aligned; returns the payload offsets.
   */
  private static List<Long> checkFrames(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Long> arrays = new ArrayList<>();
    int at = Format.HEADER_SIZE;
    byte kind = 0;
    while (at < b.limit()) {
      kind = b.get(at);
      assertThat(b.getInt(at + 12)).isEqualTo(Format.crc(b.array(), at, 12));
      int pad = b.getShort(at + 2) & 0xFFFF;
      long length = b.getLong(at + 4);
      int payload = at + Format.FRAME_HEADER_SIZE + pad;
      if (kind == Format.KIND_ARRAY) {
        assertThat(payload % Format.ALIGNMENT).as("payload offset %d", payload).isZero();
        arrays.add((long) payload);
      } else {
        assertThat(pad).isZero();
      }
      at = payload + (int) length + Format.TRAILER_SIZE;
    }
    assertThat(at).isEqualTo(b.limit());
    assertThat(kind).isEqualTo(Format.KIND_END);
    return arrays;
  }
}
