package org.joblib4j.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.internal.TaskList;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.Serializer;
import org.joblib4j.spi.TaskBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SerializerTest {

  static int add(int a, int b) {
    return a + b;
  }

  static String describe(Object o) {
    return String.valueOf(o);
  }

  /** A batch as the dispatcher forms it: its tasks in a list that owns their array. */
  private static TaskBatch dispatchedBatch() {
    Task<?>[] tasks = {
      delayed(Math::sqrt, 16.0),
      delayed(SerializerTest::add, 2, 3),
      delayed(SerializerTest::describe, null),
      delayed(() -> "body"),
    };
    return new TaskBatch(new TaskList(tasks), 40, NestedConfig.sequential(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kryo", "java"})
  void taskBatchFormedByDispatcher_roundTrips_andRunsToSameResults(String name) {
    Serializer serializer = Serializer.named(name);
    TaskBatch batch = dispatchedBatch();

    TaskBatch back = (TaskBatch) serializer.fromBytes(serializer.toBytes(batch));

    assertThat(back.firstIndex()).isEqualTo(40);
    assertThat(back.size()).isEqualTo(4);
    assertThat(back.tasks().get(2).arguments()).containsExactly((Object) null);
    BatchResult result = back.run();
    assertThat(result.values()).containsExactly(4.0, 5, "null", "body");
    assertThat(result.values()).isEqualTo(batch.run().values());
  }

  @ParameterizedTest
  @ValueSource(strings = {"kryo", "java"})
  void taskBatchRead_isUnmodifiable(String name) {
    Serializer serializer = Serializer.named(name);

    TaskBatch back = (TaskBatch) serializer.fromBytes(serializer.toBytes(dispatchedBatch()));

    List<Task<?>> tasks = back.tasks();
    assertThatThrownBy(() -> tasks.set(0, delayed(() -> "other")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void directDoubleBuffer_roundTripsItsRemainingElementsOrderAndDirectness() {
    Serializer kryo = Serializer.named("kryo");
    DoubleBuffer b = ByteBuffer.allocateDirect(8 * 10).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer();
    for (int i = 0; i < 10; i++) {
      b.put(i, i * 1.5);
    }
    b.position(2).limit(7);

    DoubleBuffer back = (DoubleBuffer) kryo.fromBytes(kryo.toBytes(b));

    assertThat(back.isDirect()).isTrue();
    assertThat(back.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
    assertThat(back.position()).isZero();
    assertThat(back.remaining()).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      assertThat(back.get(i)).isEqualTo((i + 2) * 1.5);
    }
    assertThat(b.position()).isEqualTo(2);
  }

  @Test
  void heapAndReadOnlyBuffers_roundTripWithTheirKindAndFlags() {
    Serializer kryo = Serializer.named("kryo");
    IntBuffer ints = IntBuffer.wrap(new int[] {3, 1, 4, 1, 5});
    ByteBuffer bytes =
        ByteBuffer.wrap("joblib".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    LongBuffer longs = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    longs.put(0, -7L).put(1, Long.MAX_VALUE);

    IntBuffer intsBack = (IntBuffer) kryo.fromBytes(kryo.toBytes(ints));
    ByteBuffer bytesBack = (ByteBuffer) kryo.fromBytes(kryo.toBytes(bytes));
    LongBuffer longsBack = (LongBuffer) kryo.fromBytes(kryo.toBytes(longs));

    assertThat(intsBack.hasArray()).isTrue();
    assertThat(intsBack.array()).containsExactly(3, 1, 4, 1, 5);
    assertThat(bytesBack.isReadOnly()).isTrue();
    assertThat(StandardCharsets.US_ASCII.decode(bytesBack).toString()).isEqualTo("joblib");
    assertThat(longsBack.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    assertThat(longsBack.get(0)).isEqualTo(-7L);
    assertThat(longsBack.get(1)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void write_pathOfAZipFileSystem_isRefusedAtWriteNamingTheFix(@TempDir Path dir) throws Exception {
    try (FileSystem zip =
        FileSystems.newFileSystem(dir.resolve("data.zip"), Map.of("create", "true"))) {
      Path inZip = zip.getPath("/part-0.csv");

      assertThatThrownBy(() -> Serializer.named("kryo").toBytes(List.of(inZip)))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining(
              " at value[0]: it is a path of a file system other than the default")
          .hasMessageContaining("toUri()");
      Path local = Path.of("relative", "x.csv");
      assertThat(Serializer.named("kryo").fromBytes(Serializer.named("kryo").toBytes(local)))
          .isEqualTo(local);
    }
  }
}
