package org.joblib4j.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Delayed.delayed;

import java.util.List;
import org.joblib4j.Task;
import org.joblib4j.internal.TaskList;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.NestedConfig;
import org.joblib4j.spi.TaskBatch;
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
    Serializer serializer = Serializer.byName(name);
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
    Serializer serializer = Serializer.byName(name);

    TaskBatch back = (TaskBatch) serializer.fromBytes(serializer.toBytes(dispatchedBatch()));

    List<Task<?>> tasks = back.tasks();
    assertThatThrownBy(() -> tasks.set(0, delayed(() -> "other")))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
