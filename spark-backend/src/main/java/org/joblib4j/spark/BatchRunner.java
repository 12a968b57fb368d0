package org.joblib4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import org.joblib4j.JoblibException;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.spi.Serializer;
import org.joblib4j.spi.BatchResult;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The function each Spark task runs: reads the serialized {@link TaskBatch} of its partition, puts
 * the broadcast values back in place of large arguments, runs the batch and returns its encoded
 * {@link BatchResult}. Serialized into every task with Spark's closure serializer.
 *
 * <p>Nothing a task throws escapes as a Spark task failure: failures come back as data, so Spark
 * never retries a user error; only a lost executor fails the Spark task.
 */
final class BatchRunner extends AbstractFunction1<Iterator<byte[]>, byte[]>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String serializer;
  private final Map<Long, Broadcast<BroadcastPayload>> broadcasts;

  BatchRunner(String serializer, Map<Long, Broadcast<BroadcastPayload>> broadcasts) {
    this.serializer = serializer;
    this.broadcasts = broadcasts;
  }

  @Override
  public byte[] apply(Iterator<byte[]> partition) {
    if (!partition.hasNext()) {
      throw new IllegalStateException("A joblib4j partition holds no batch");
    }
    return run(partition.next());
  }

  private byte[] run(byte[] payload) {
    Serializer ser = Serializer.named(serializer);
    TaskBatch batch;
    try {
      Object value = ser.fromBytes(payload, Serializer.contextLoader());
      batch = resolve((TaskBatch) value);
    } catch (RuntimeException | LinkageError e) {
      if (e instanceof SerializationException && e.getCause() instanceof StackOverflowError) {
        // The classes are there: the value is too deep for this thread's stack.
        return ResultCodec.encodeFailure(
            0,
            new SerializationException(
                "Executor " + executorId() + " could not read a task batch: " + e.getMessage(), e),
            ser);
      }
      return unreadable(e, ser);
    }
    return ResultCodec.encode(batch.run(), ser);
  }

  private static byte[] unreadable(Throwable e, Serializer ser) {
    return ResultCodec.encodeFailure(
        0,
        new JoblibException(
            String.format(
                Locale.ROOT,
                "Executor %s could not read a task batch: %s. Ship the classes of your tasks"
                    + " with the application (spark-submit's application jar or --jars).",
                executorId(),
                e.getMessage()),
            e),
        ser);
  }

  private TaskBatch resolve(TaskBatch batch) {
    if (broadcasts.isEmpty()) {
      return batch;
    }
    List<Task<?>> tasks = new ArrayList<>(batch.size());
    boolean changed = false;
    for (Task<?> task : batch.tasks()) {
      List<@Nullable Object> args = task.arguments();
      List<@Nullable Object> resolved = null;
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof LargeArgument large) {
          if (resolved == null) {
            resolved = new ArrayList<>(args);
          }
          Broadcast<BroadcastPayload> b = broadcasts.get(large.id());
          if (b == null) {
            throw new IllegalStateException("No broadcast variable " + large.id());
          }
          resolved.set(i, b.value().value());
        }
      }
      if (resolved != null) {
        tasks.add(task.withArguments(resolved));
        changed = true;
      } else {
        tasks.add(task);
      }
    }
    return changed ? new TaskBatch(tasks, batch.firstIndex(), batch.nested()) : batch;
  }

  private static String executorId() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "?" : env.executorId();
  }
}
