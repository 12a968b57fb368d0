package org.joblib4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.joblib4j.SerializableFunction;
import org.joblib4j.SerializableSupplier;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.local.worker.BatchCodec;
import org.joblib4j.local.worker.FrameBuffer;
import org.joblib4j.spi.Serializer;
import org.junit.jupiter.api.Test;

/** Tasks and results written by the batch codec read back equal, with their sharing kept. */
class BatchCodecTest {
  private static final ClassLoader LOADER = BatchCodecTest.class.getClassLoader();

  static Object identity(Object o) {
    return o;
  }

  @Test
  void writeValues_everyKindOfValue_readsBackEqual() {
    int[] shared = {1, 2, 3};
    Object[] values = {
      null,
      1.5,
      Double.NaN,
      -7,
      Long.MIN_VALUE,
      true,
      false,
      2.5f,
      "plain",
      "\uD800 lone",
      "x".repeat(10_000),
      List.of(1, 2),
      shared,
      shared,
      'c',
      (short) 3
    };
    for (String name : List.of("kryo", "java")) {
      Serializer s = Serializer.named(name);
      FrameBuffer out = new FrameBuffer(16);
      BatchCodec.writeValues(out, values, s);

      Object[] back = BatchCodec.readValues(new FrameBuffer.Reader(out.array(), 0), s, LOADER);

      assertThat(Arrays.copyOf(back, 12)).containsExactly(Arrays.copyOf(values, 12));
      assertThat((int[]) back[12]).containsExactly(1, 2, 3);
      assertThat(back[13]).isSameAs(back[12]);
      assertThat(back[14]).isEqualTo('c');
      assertThat(back[15]).isEqualTo((short) 3);
    }
  }

  @Test
  void writeTasks_mixedFunctions_rebuildTasksThatRunTheSame() throws Exception {
    List<Task<?>> tasks = new ArrayList<>();
    int offset = 100;
    SerializableFunction<Integer, Integer> capturing = x -> x + offset;
    SerializableSupplier<String> supplier = () -> "supplied";
    for (int i = 0; i < 5; i++) {
      tasks.add(delayed(BatchCodecTest::identity, (Object) i));
      tasks.add(delayed(capturing, i));
    }
    tasks.add(Task.class.cast(delayed(() -> "callable")));
    tasks.add(delayedSupplier(supplier));
    FrameBuffer out = new FrameBuffer(16);
    BatchCodec.writeTasks(out, tasks, Serializer.current());

    Task<?>[] back =
        BatchCodec.readTasks(new FrameBuffer.Reader(out.array(), 0), Serializer.current(), LOADER);

    assertThat(back).hasSize(tasks.size());
    for (int i = 0; i < back.length; i++) {
      assertThat(back[i].call()).isEqualTo(tasks.get(i).call());
    }
  }

  @Test
  void writeTasks_lambdaCapturesAnArgument_keepsTheSharingWithinTheBatch() throws Exception {
    List<Integer> shared = new ArrayList<>(List.of(1, 2));
    SerializableFunction<List<Integer>, Boolean> same = l -> l == shared;
    List<Task<?>> tasks = List.of(delayed(same, shared), delayed(same, shared));
    FrameBuffer out = new FrameBuffer(16);
    BatchCodec.writeTasks(out, tasks, Serializer.current());

    Task<?>[] back =
        BatchCodec.readTasks(new FrameBuffer.Reader(out.array(), 0), Serializer.current(), LOADER);

    assertThat(back[0].call()).isEqualTo(true);
    assertThat(back[1].call()).isEqualTo(true);
  }

  @Test
  void writeTasks_lambdaCapturesThread_namesTheCapturedField() {
    Thread thread = new Thread(() -> {});
    SerializableFunction<Integer, String> f = i -> thread.getName() + i;
    List<Task<?>> tasks = List.of(delayed(f, 1));

    assertThatThrownBy(() -> BatchCodec.writeTasks(new FrameBuffer(16), tasks, Serializer.current()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot serialize java.lang.Thread at function.captured[0]: ")
        .hasMessageContaining("Create it inside the task");
  }

  @Test
  void writeTasks_argumentNotSerializable_namesItsClass() {
    List<Task<?>> tasks = List.of(delayed(BatchCodecTest::identity, (Object) new Thread()));

    assertThatThrownBy(() -> BatchCodec.writeTasks(new FrameBuffer(16), tasks, Serializer.current()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot serialize java.lang.Thread at arguments[0]: ");
  }

  /** Delayed takes no Supplier, but core makes such tasks; they travel as whole tasks. */
  private static Task<?> delayedSupplier(SerializableSupplier<String> supplier) {
    try {
      var ctor = Task.class.getDeclaredConstructor(java.io.Serializable.class, Object[].class);
      ctor.setAccessible(true);
      return ctor.newInstance(supplier, new Object[0]);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
