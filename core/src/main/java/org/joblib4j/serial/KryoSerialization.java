package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.util.Pool;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.Buffer;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.internal.TaskList;
import org.joblib4j.spi.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * The {@code kryo} serializer: {@link JoblibKryo}, with buffers written by value and a batch's
 * tasks one by one. Instances come from a pool, as Kryo itself is not thread-safe. Not an API:
 * public for {@link java.util.ServiceLoader}; use {@link Serializer#named}. This class is
 * thread-safe.
 */
public final class KryoSerialization implements Serializer {
  private final Pool<Kryo> pool =
      new Pool<>(true, false, 64) {
        @Override
        protected Kryo create() {
          return newKryo();
        }
      };

  /** Creates the serializer; {@link java.util.ServiceLoader} calls this. */
  public KryoSerialization() {}

  @Override
  public String name() {
    return "kryo";
  }

  static Kryo newKryo() {
    Kryo kryo = new JoblibKryo();
    kryo.addDefaultSerializer(TaskList.class, new TaskListSerializer());
    kryo.addDefaultSerializer(Buffer.class, new BufferSerializer());
    return kryo;
  }

  @Override
  public void write(@Nullable Object value, String root, OutputStream out) {
    Kryo kryo = pool.obtain();
    boolean clean = false;
    try {
      Output output = new Output(out, 8192);
      kryo.writeClassAndObject(output, value);
      output.flush();
      clean = true;
    } catch (RuntimeException e) {
      throw Refusal.explain(value, root, e, false);
    } catch (StackOverflowError e) {
      throw Refusal.overflowed(value, root, e);
    } finally {
      release(kryo, clean);
    }
  }

  /**
   * Returns {@code kryo} to the pool after a complete write or read; after a failure it is dropped,
   * as a stream that ended in the middle of a value leaves state behind (such as the generic types
   * of the fields it was in) that would garble the next value.
   */
  private void release(Kryo kryo, boolean clean) {
    if (clean) {
      kryo.reset();
      pool.free(kryo);
    }
  }

  @Override
  public @Nullable Object read(InputStream in, ClassLoader loader) {
    Kryo kryo = pool.obtain();
    ClassLoader previous = kryo.getClassLoader();
    boolean clean = false;
    try {
      kryo.setClassLoader(loader);
      Input input = new Input(in, 8192);
      Object value = kryo.readClassAndObject(input);
      clean = true;
      return value;
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof StackOverflowError overflow) {
          throw new SerializationException(
              "Could not read a value: reading it" + Refusal.overflow(""), overflow);
        }
      }
      throw new SerializationException(
          "Could not read a value with Kryo: "
              + e.getMessage()
              + ". Check that the reading JVM has the same classes on its class path.",
          e);
    } catch (StackOverflowError e) {
      throw new SerializationException(
          "Could not read a value: reading it" + Refusal.overflow(""), e);
    } finally {
      kryo.setClassLoader(previous);
      release(kryo, clean);
    }
  }

  @Override
  public String toString() {
    return name();
  }

  /** Writes a batch's tasks one by one and reads them back into a list that owns its array. */
  static final class TaskListSerializer
      extends com.esotericsoftware.kryo.kryo5.Serializer<TaskList> {
    TaskListSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, TaskList list) {
      output.writeVarInt(list.size(), true);
      for (Task<?> task : list) {
        kryo.writeClassAndObject(output, task);
      }
    }

    @Override
    public TaskList read(Kryo kryo, Input input, Class<? extends TaskList> type) {
      Task<?>[] tasks = new Task<?>[input.readVarInt(true)];
      for (int i = 0; i < tasks.length; i++) {
        tasks[i] = (Task<?>) kryo.readClassAndObject(input);
      }
      return new TaskList(tasks);
    }
  }
}
