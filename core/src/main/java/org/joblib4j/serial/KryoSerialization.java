package org.joblib4j.serial;

import org.joblib4j.SerializationException;
import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.objenesis.strategy.StdInstantiatorStrategy;
import com.esotericsoftware.kryo.kryo5.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.JavaSerializer;
import com.esotericsoftware.kryo.kryo5.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.kryo5.util.Pool;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Modifier;
import java.nio.Buffer;
import java.util.Optional;
import org.joblib4j.Task;
import org.joblib4j.internal.Lambdas;
import org.joblib4j.internal.TaskList;
import org.jspecify.annotations.Nullable;

/**
 * Kryo 5 with references on and no registration required; classes that define their own Java
 * serialization ({@code writeObject}, {@code writeReplace}, {@code readResolve}) and throwables
 * go through Java serialization inside the Kryo stream; lambdas through Kryo's closure support.
 * Instances come from a pool, as Kryo itself is not thread-safe.
 */
final class KryoSerialization extends Serializer {
  private final Pool<Kryo> pool =
      new Pool<>(true, false, 64) {
        @Override
        protected Kryo create() {
          return newKryo();
        }
      };

  @Override
  public String name() {
    return "kryo";
  }

  static Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(false);
    kryo.setReferences(true);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    // ClosureSerializer's static set-up races when java.lang.invoke is not opened: build one at a
    // time.
    synchronized (ClosureSerializer.class) {
      kryo.register(ClosureSerializer.Closure.class, new ClosureSerializer());
    }
    kryo.addDefaultSerializer(Throwable.class, new JavaSerializer());
    kryo.addDefaultSerializer(TaskList.class, new TaskListSerializer());
    kryo.addDefaultSerializer(Buffer.class, new BufferSerializer());
    kryo.setDefaultSerializer(new CheckingFactory());
    return kryo;
  }

  @Override
  public void write(@Nullable Object value, OutputStream out) {
    Kryo kryo = pool.obtain();
    try {
      Output output = new Output(out, 8192);
      kryo.writeClassAndObject(output, value);
      output.flush();
    } catch (KryoException | IllegalArgumentException e) {
      throw explain(value, e);
    } finally {
      kryo.reset();
      pool.free(kryo);
    }
  }

  @Override
  public @Nullable Object read(InputStream in, ClassLoader loader) {
    Kryo kryo = pool.obtain();
    ClassLoader previous = kryo.getClassLoader();
    try {
      kryo.setClassLoader(loader);
      Input input = new Input(in, 8192);
      return kryo.readClassAndObject(input);
    } catch (KryoException e) {
      throw new SerializationException(
          "Could not read a value with Kryo: " + e.getMessage()
              + ". Check that the reading JVM has the same classes on its class path.",
          e);
    } finally {
      kryo.setClassLoader(previous);
      kryo.reset();
      pool.free(kryo);
    }
  }

  private static SerializationException explain(@Nullable Object root, RuntimeException e) {
    NotSerializable ns = find(e);
    String what = ns != null ? ns.getMessage() : e.getMessage();
    String where = root == null ? "" : captured(root, ns != null ? ns.type : null);
    return new SerializationException(
        "Could not serialize "
            + (root == null ? "null" : root.getClass().getName())
            + where
            + ": "
            + what
            + ". Make that class implement java.io.Serializable, mark the field transient, or"
            + " create the value inside the task instead of capturing it.",
        e);
  }

  /** Names the captured value of a lambda whose type is {@code type}, when there is one. */
  private static String captured(Object root, @Nullable Class<?> type) {
    if (type == null) {
      return "";
    }
    Optional<SerializedLambda> form = Lambdas.serializedForm(root);
    if (form.isEmpty()) {
      return "";
    }
    SerializedLambda sl = form.get();
    for (int i = 0; i < sl.getCapturedArgCount(); i++) {
      Object arg = sl.getCapturedArg(i);
      if (arg != null && type.isInstance(arg)) {
        return " (captured value arg$" + (i + 1) + " of type " + type.getName() + " in "
            + Lambdas.name(root) + ")";
      }
    }
    return "";
  }

  private static @Nullable NotSerializable find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NotSerializable ns) {
        return ns;
      }
    }
    return null;
  }

  /** Writes a batch's tasks one by one and reads them back into a list that owns its array. */
  static final class TaskListSerializer extends com.esotericsoftware.kryo.kryo5.Serializer<TaskList> {
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

  /** Refuses classes that are neither serializable nor plain data Kryo knows. */
  static final class NotSerializable extends KryoException {
    private static final long serialVersionUID = 1L;
    final transient Class<?> type;

    NotSerializable(Class<?> type) {
      super(type.getName() + " is not serializable");
      this.type = type;
    }
  }

  /**
   * Field serialization for plain classes, Java serialization for classes that customise it,
   * and a clear refusal for classes that say they are not data (threads, streams, sockets).
   */
  static final class CheckingFactory
      extends SerializerFactory.BaseSerializerFactory<com.esotericsoftware.kryo.kryo5.Serializer<?>> {
    private final SerializerFactory.FieldSerializerFactory fields =
        new SerializerFactory.FieldSerializerFactory();

    @Override
    public com.esotericsoftware.kryo.kryo5.Serializer<?> newSerializer(Kryo kryo, Class type) {
      if (!type.isArray()
          && !type.isPrimitive()
          && !type.isEnum()
          && !Serializable.class.isAssignableFrom(type)
          && !type.isRecord()
          && (type.getName().startsWith("java.")
              || type.getName().startsWith("javax.")
              || type.getName().startsWith("sun.")
              || type.getName().startsWith("jdk."))
          && !Modifier.isAbstract(type.getModifiers())) {
        throw new NotSerializable(type);
      }
      if (Serializable.class.isAssignableFrom(type) && customizesJavaSerialization(type)) {
        return new JavaSerializer();
      }
      return fields.newSerializer(kryo, type);
    }

    private static boolean customizesJavaSerialization(Class<?> type) {
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (String m : new String[] {"writeObject", "writeReplace", "readResolve"}) {
          for (java.lang.reflect.Method method : c.getDeclaredMethods()) {
            if (method.getName().equals(m)) {
              return true;
            }
          }
        }
      }
      return false;
    }
  }
}
