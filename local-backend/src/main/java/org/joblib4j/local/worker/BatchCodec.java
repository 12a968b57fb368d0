package org.joblib4j.local.worker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import org.joblib4j.Delayed;
import org.joblib4j.SerializableBiFunction;
import org.joblib4j.SerializableCallable;
import org.joblib4j.SerializableFunction;
import org.joblib4j.SerializableFunction3;
import org.joblib4j.SerializableFunction4;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.spi.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * Writes the tasks of a batch and the results of a batch compactly. Not an API.
 *
 * <pre>
 * Design note. Tiny tasks are the case to make cheap, so common values (null, boxed numbers,
 * booleans, short strings) are written inline with a one-byte tag, and everything else goes
 * through the serializer once per batch, as one Object[] ("others"), so shared objects keep their
 * sharing within the batch.
 *
 * Each distinct function of a batch is written once. A lambda or method reference is written as
 * the fields of its SerializedLambda, its captured values joining the others, and rebuilt in the
 * worker by its capturing class's $deserializeLambda$, as Java serialization itself does, without
 * that machinery's start-up cost. Other functions are written with Java serialization when it
 * accepts them (a worker that receives only functions and common values never loads Kryo, most
 * of its start-up time), else with the batch's serializer, whose errors name the captured field.
 * A function without state (a method reference, a lambda that captures nothing) is written once
 * per JVM and rebuilt once per worker: its record is cached on both sides. Functions that capture
 * values are written for every batch, so every batch gets a fresh copy of what they captured, as
 * in joblib. Tasks are rebuilt in the worker with Delayed, from the function and the arguments;
 * Supplier and Runnable bodies, which Delayed does not take, travel as whole tasks.
 *
 * Layout of tasks:
 *   int functions; per function: byte mode (bit 0: a whole task, not a function; bit 1: Java
 *       serialization, not the batch's serializer; bit 2: a function without state; bit 3: a
 *       lambda's fields), int n, n bytes
 *   int tasks; per task: int function index, byte argument count, tagged arguments
 *   int n, n bytes: the others, an Object[] (absent when n is 0)
 * and of values: int count, tagged values, then the others as above.
 * </pre>
 */
public final class BatchCodec {
  private static final byte NULL = 0;
  private static final byte DOUBLE = 1;
  private static final byte INT = 2;
  private static final byte LONG = 3;
  private static final byte STRING = 4;
  private static final byte TRUE = 5;
  private static final byte FALSE = 6;
  private static final byte FLOAT = 7;
  private static final byte OTHER = 8;

  private static final int WHOLE_TASK = 1;
  private static final int JAVA = 2;
  private static final int STATELESS_FUNCTION = 4;
  private static final int LAMBDA = 8;

  /** Whether a function class holds no state, so one serialized form stands for all instances. */
  private static final ClassValue<Boolean> STATELESS =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field field : c.getDeclaredFields()) {
              if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                return false;
              }
            }
          }
          return true;
        }
      };

  /** The record written for a stateless function class, once it has been written. */
  private static final ClassValue<java.util.concurrent.atomic.AtomicReference<byte[]>> WRITTEN =
      new ClassValue<>() {
        @Override
        protected java.util.concurrent.atomic.AtomicReference<byte[]> computeValue(Class<?> type) {
          return new java.util.concurrent.atomic.AtomicReference<>();
        }
      };

  /** Stateless functions already read, by their record; at most 256. Guarded by itself. */
  private static final java.util.HashMap<ReadKey, Object> READ = new java.util.HashMap<>();

  private BatchCodec() {}

  /**
   * Writes {@code tasks} to {@code out}.
   *
   * @throws SerializationException naming the function or argument that cannot be serialized
   */
  public static void writeTasks(FrameBuffer out, List<Task<?>> tasks, Serializer serializer) {
    writeTasks(out, tasks, 0, serializer);
  }

  /**
   * Writes {@code tasks}, the first of which is task {@code firstIndex} of its call, to {@code
   * out}.
   *
   * @throws SerializationException naming the task, and the function or argument in it, that
   *     cannot be serialized
   */
  public static void writeTasks(
      FrameBuffer out, List<Task<?>> tasks, long firstIndex, Serializer serializer) {
    try {
      write(out, tasks, serializer);
    } catch (SerializationException e) {
      throw explain(tasks, firstIndex, serializer, e);
    }
  }

  private static void write(FrameBuffer out, List<Task<?>> tasks, Serializer serializer) {
    IdentityHashMap<Object, Integer> functions = new IdentityHashMap<>(4);
    List<Object> others = new ArrayList<>(0);
    int countAt = out.size();
    out.putInt(0);
    int[] index = new int[tasks.size()];
    for (int t = 0; t < tasks.size(); t++) {
      Task<?> task = tasks.get(t);
      Object f = task.function();
      Integer i = functions.get(f);
      if (i == null) {
        i = functions.size();
        functions.put(f, i);
        writeFunction(out, task, serializer, others);
      }
      index[t] = i;
    }
    out.setInt(countAt, functions.size());
    out.putInt(tasks.size());
    for (int t = 0; t < tasks.size(); t++) {
      out.putInt(index[t]);
      List<@Nullable Object> args = tasks.get(t).arguments();
      out.putByte(args.size());
      for (int a = 0; a < args.size(); a++) {
        putValue(out, args.get(a), others);
      }
    }
    putOthers(out, others, serializer);
  }

  /**
   * Returns the exception that names the task, and the place in it, that cannot be serialized:
   * each task is serialized alone, so the message says {@code arguments[1].model} rather than a
   * place in the batch's shared values.
   */
  private static SerializationException explain(
      List<Task<?>> tasks,
      long firstIndex,
      Serializer serializer,
      SerializationException batchFailure) {
    for (int t = 0; t < tasks.size(); t++) {
      try {
        serializer.write(tasks.get(t), "task", OutputStream.nullOutputStream());
      } catch (SerializationException e) {
        return new SerializationException(
            "Task " + (firstIndex + t) + " (" + tasks.get(t).describe() + ") cannot be sent to a"
                + " worker JVM. " + e.getMessage(),
            e);
      }
    }
    return batchFailure;
  }

  /** Reads tasks written by {@link #writeTasks}. */
  public static Task<?>[] readTasks(
      FrameBuffer.Reader in, Serializer serializer, ClassLoader loader) {
    int nFunctions = in.getInt();
    @Nullable Object[] functions = new Object[nFunctions];
    boolean[] whole = new boolean[nFunctions];
    List<Slot> slots = new ArrayList<>(0);
    for (int i = 0; i < nFunctions; i++) {
      byte mode = in.getByte();
      whole[i] = (mode & WHOLE_TASK) != 0;
      functions[i] = readFunction(in, mode, serializer, loader, slots);
    }
    int nTasks = in.getInt();
    int[] fn = new int[nTasks];
    @Nullable Object[][] args = new Object[nTasks][];
    for (int t = 0; t < nTasks; t++) {
      fn[t] = in.getInt();
      @Nullable Object[] a = new Object[in.getByte()];
      for (int k = 0; k < a.length; k++) {
        a[k] = getValue(in, a, k, slots);
      }
      args[t] = a;
    }
    fillOthers(in, slots, serializer, loader);
    for (int i = 0; i < nFunctions; i++) {
      if (functions[i] instanceof LambdaForm form) {
        functions[i] = form.materialize(loader);
      }
    }
    Task<?>[] tasks = new Task<?>[nTasks];
    for (int t = 0; t < nTasks; t++) {
      Object f = Objects.requireNonNull(functions[fn[t]]);
      tasks[t] =
          whole[fn[t]] ? ((Task<?>) f).withArguments(Arrays.asList(args[t])) : rebuild(f, args[t]);
    }
    return tasks;
  }

  /**
   * Writes {@code values} to {@code out}.
   *
   * @throws SerializationException naming the value that cannot be serialized
   */
  public static void writeValues(
      FrameBuffer out, @Nullable Object[] values, Serializer serializer) {
    out.putInt(values.length);
    List<Object> others = new ArrayList<>(0);
    for (Object v : values) {
      putValue(out, v, others);
    }
    try {
      putOthers(out, others, serializer);
    } catch (SerializationException e) {
      for (Object v : values) {
        serializer.write(v, "result", OutputStream.nullOutputStream()); // names the place
      }
      throw e;
    }
  }

  /** Reads values written by {@link #writeValues}. */
  public static @Nullable Object[] readValues(
      FrameBuffer.Reader in, Serializer serializer, ClassLoader loader) {
    @Nullable Object[] values = new Object[in.getInt()];
    List<Slot> slots = new ArrayList<>(0);
    for (int i = 0; i < values.length; i++) {
      values[i] = getValue(in, values, i, slots);
    }
    fillOthers(in, slots, serializer, loader);
    return values;
  }

  /**
   * Writes the function of {@code task} (or the whole task, for bodies Delayed does not take).
   * Plain Java serialization is tried first when it is not the serializer already: a lambda's
   * serialized form is made of JDK classes, so a worker that receives only functions and common
   * values never loads Kryo, which is most of its start-up time. A function Java serialization
   * refuses goes through the configured serializer, whose errors name the captured field.
   */
  private static void writeFunction(
      FrameBuffer out, Task<?> task, Serializer serializer, List<Object> others) {
    Object f = task.function();
    int mode = rebuildable(f) ? 0 : WHOLE_TASK;
    boolean stateless = mode == 0 && STATELESS.get(f.getClass());
    if (stateless) {
      byte[] cached = WRITTEN.get(f.getClass()).get();
      if (cached != null) {
        out.write(cached, 0, cached.length);
        return;
      }
    }
    int modeAt = out.size();
    out.putByte(mode);
    int lengthAt = out.size();
    out.putInt(0);
    SerializedLambda lambda = mode == 0 ? serializedForm(f) : null;
    if (lambda != null) {
      mode |= LAMBDA;
      writeLambda(out, lambda, others);
    } else {
      Object value = mode == 0 ? f : task;
      if (!serializer.name().equals("java")) {
        try {
          ObjectOutputStream oos = new ObjectOutputStream(out);
          oos.writeObject(value);
          oos.flush();
          mode |= JAVA;
        } catch (IOException | RuntimeException e) {
          out.truncate(lengthAt + 4);
        }
      }
      if ((mode & JAVA) == 0) {
        serializer.write(value, out);
      }
    }
    out.setInt(lengthAt, out.size() - lengthAt - 4);
    if (stateless && (mode & (JAVA | LAMBDA)) != 0) {
      mode |= STATELESS_FUNCTION;
      out.array()[modeAt] = (byte) mode;
      WRITTEN.get(f.getClass()).set(Arrays.copyOfRange(out.array(), modeAt, out.size()));
    } else {
      out.array()[modeAt] = (byte) mode;
    }
  }

  /** Writes a lambda's serialized form field by field; captured values go with the others. */
  private static void writeLambda(FrameBuffer out, SerializedLambda l, List<Object> others) {
    out.putString(l.getCapturingClass());
    out.putString(l.getFunctionalInterfaceClass());
    out.putString(l.getFunctionalInterfaceMethodName());
    out.putString(l.getFunctionalInterfaceMethodSignature());
    out.putInt(l.getImplMethodKind());
    out.putString(l.getImplClass());
    out.putString(l.getImplMethodName());
    out.putString(l.getImplMethodSignature());
    out.putString(l.getInstantiatedMethodType());
    out.putInt(l.getCapturedArgCount());
    for (int i = 0; i < l.getCapturedArgCount(); i++) {
      putValue(out, l.getCapturedArg(i), others);
    }
  }

  /** Returns the serialized form of a serializable lambda or method reference, if it is one. */
  private static @Nullable SerializedLambda serializedForm(Object f) {
    Method writeReplace = WRITE_REPLACE.get(f.getClass());
    if (writeReplace == null) {
      return null;
    }
    try {
      return writeReplace.invoke(f) instanceof SerializedLambda sl ? sl : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Reads one function record, from the cache when it is of a stateless function. */
  private static Object readFunction(
      FrameBuffer.Reader in,
      byte mode,
      Serializer serializer,
      ClassLoader loader,
      List<Slot> slots) {
    int n = in.getInt();
    int at = in.position();
    ReadKey key = null;
    if ((mode & STATELESS_FUNCTION) != 0) {
      key = new ReadKey(Arrays.copyOfRange(in.array(), at, at + n), loader);
      synchronized (READ) {
        Object f = READ.get(key);
        if (f != null) {
          in.position(at + n);
          return f;
        }
      }
    }
    Object f;
    if ((mode & LAMBDA) != 0) {
      LambdaForm form = LambdaForm.read(in, slots);
      f = key != null ? form.materialize(loader) : form;
    } else {
      Serializer s = (mode & JAVA) != 0 ? javaSerializer() : serializer;
      f = s.read(new ByteArrayInputStream(in.array(), at, n), loader);
    }
    in.position(at + n);
    if (f == null) {
      throw new IllegalStateException("Corrupt frame: a task's function is null");
    }
    if (key != null) {
      synchronized (READ) {
        if (READ.size() >= 256) {
          READ.clear();
        }
        READ.put(key, f);
      }
    }
    return f;
  }

  /** A lambda's serialized form as read, whose captured values may still be on their way. */
  private static final class LambdaForm {
    final String[] names = new String[8];
    int implKind;
    @Nullable Object[] captured = new Object[0];

    static LambdaForm read(FrameBuffer.Reader in, List<Slot> slots) {
      LambdaForm form = new LambdaForm();
      for (int i = 0; i < 4; i++) {
        form.names[i] = in.getString();
      }
      form.implKind = in.getInt();
      for (int i = 4; i < 8; i++) {
        form.names[i] = in.getString();
      }
      form.captured = new Object[in.getInt()];
      for (int i = 0; i < form.captured.length; i++) {
        form.captured[i] = getValue(in, form.captured, i, slots);
      }
      return form;
    }

    /** Makes the lambda through its capturing class's {@code $deserializeLambda$} method. */
    Object materialize(ClassLoader loader) {
      try {
        Class<?> capturing = Class.forName(names[0].replace('/', '.'), false, loader);
        SerializedLambda sl =
            new SerializedLambda(
                capturing, names[1], names[2], names[3], implKind, names[4], names[5], names[6],
                names[7], captured);
        Method deserialize = DESERIALIZE.get(capturing);
        if (deserialize == null) {
          throw new IllegalStateException(
              capturing.getName() + " has no $deserializeLambda$ method to rebuild its lambda");
        }
        return deserialize.invoke(null, sl);
      } catch (ClassNotFoundException | IllegalAccessException e) {
        throw new IllegalStateException(
            "Could not rebuild lambda " + names[5] + " of " + names[0] + ": " + e, e);
      } catch (java.lang.reflect.InvocationTargetException e) {
        Throwable cause = e.getCause();
        throw new IllegalStateException(
            "Could not rebuild lambda " + names[5] + " of " + names[0] + ": " + cause, cause);
      }
    }
  }

  private static final ClassValue<@Nullable Method> WRITE_REPLACE =
      new ClassValue<>() {
        @Override
        protected @Nullable Method computeValue(Class<?> type) {
          if (!type.isSynthetic() && !type.isHidden()) {
            return null;
          }
          try {
            Method m = type.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            return m;
          } catch (NoSuchMethodException | RuntimeException e) {
            return null;
          }
        }
      };

  private static final ClassValue<@Nullable Method> DESERIALIZE =
      new ClassValue<>() {
        @Override
        protected @Nullable Method computeValue(Class<?> type) {
          try {
            Method m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            m.setAccessible(true);
            return m;
          } catch (NoSuchMethodException | RuntimeException e) {
            return null;
          }
        }
      };

  private static Serializer javaSerializer() {
    return JavaHolder.JAVA;
  }

  /** Plain Java serialization, made on first use. */
  private static final class JavaHolder {
    static final Serializer JAVA = Serializer.named("java");
  }

  /** The bytes of a function record and the loader its classes resolve in. */
  private record ReadKey(byte[] bytes, ClassLoader loader) {
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof ReadKey k && k.loader == loader && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes) * 31 + System.identityHashCode(loader);
    }
  }

  private static boolean rebuildable(Object f) {
    return f instanceof SerializableCallable<?>
        || f instanceof SerializableFunction<?, ?>
        || f instanceof SerializableBiFunction<?, ?, ?>
        || f instanceof SerializableFunction3<?, ?, ?, ?>
        || f instanceof SerializableFunction4<?, ?, ?, ?, ?>;
  }

  @SuppressWarnings("unchecked")
  private static Task<?> rebuild(Object f, @Nullable Object[] a) {
    if (f instanceof SerializableFunction<?, ?> fn && a.length == 1) {
      return Delayed.delayed((SerializableFunction<Object, Object>) fn, a[0]);
    } else if (f instanceof SerializableBiFunction<?, ?, ?> fn && a.length == 2) {
      return Delayed.delayed((SerializableBiFunction<Object, Object, Object>) fn, a[0], a[1]);
    } else if (f instanceof SerializableFunction3<?, ?, ?, ?> fn && a.length == 3) {
      return Delayed.delayed(
          (SerializableFunction3<Object, Object, Object, Object>) fn, a[0], a[1], a[2]);
    } else if (f instanceof SerializableFunction4<?, ?, ?, ?, ?> fn && a.length == 4) {
      return Delayed.delayed(
          (SerializableFunction4<Object, Object, Object, Object, Object>) fn,
          a[0],
          a[1],
          a[2],
          a[3]);
    } else if (f instanceof SerializableCallable<?> c && a.length == 0) {
      return Delayed.delayed(c);
    }
    throw new IllegalStateException(
        "A task of " + f.getClass().getName() + " arrived with " + a.length + " arguments");
  }

  private static void putValue(FrameBuffer out, @Nullable Object v, List<Object> others) {
    if (v == null) {
      out.putByte(NULL);
    } else if (v instanceof Double d) {
      out.putByte(DOUBLE);
      out.putDouble(d);
    } else if (v instanceof Integer i) {
      out.putByte(INT);
      out.putInt(i);
    } else if (v instanceof Long l) {
      out.putByte(LONG);
      out.putLong(l);
    } else if (v instanceof Boolean b) {
      out.putByte(b ? TRUE : FALSE);
    } else if (v instanceof Float f) {
      out.putByte(FLOAT);
      out.putInt(Float.floatToRawIntBits(f));
    } else if (v instanceof String s && s.length() <= 4096) {
      out.putByte(STRING);
      out.putString(s);
    } else {
      out.putByte(OTHER);
      others.add(v);
    }
  }

  private static @Nullable Object getValue(
      FrameBuffer.Reader in, @Nullable Object[] target, int index, List<Slot> slots) {
    byte tag = in.getByte();
    switch (tag) {
      case NULL:
        return null;
      case DOUBLE:
        return in.getDouble();
      case INT:
        return in.getInt();
      case LONG:
        return in.getLong();
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case FLOAT:
        return Float.intBitsToFloat(in.getInt());
      case STRING:
        return in.getString();
      case OTHER:
        slots.add(new Slot(target, index));
        return null;
      default:
        throw new IllegalStateException("Corrupt frame: unknown value tag " + tag);
    }
  }

  private static void putOthers(FrameBuffer out, List<Object> others, Serializer serializer) {
    if (others.isEmpty()) {
      out.putInt(0);
      return;
    }
    int lengthAt = out.size();
    out.putInt(0);
    serializer.write(others.toArray(), out);
    out.setInt(lengthAt, out.size() - lengthAt - 4);
  }

  private static void fillOthers(
      FrameBuffer.Reader in, List<Slot> slots, Serializer serializer, ClassLoader loader) {
    int n = in.getInt();
    if (n == 0) {
      return;
    }
    Object[] others =
        (Object[]) serializer.read(new ByteArrayInputStream(in.array(), in.position(), n), loader);
    in.position(in.position() + n);
    if (others == null || others.length != slots.size()) {
      throw new IllegalStateException("Corrupt frame: the values do not match their slots");
    }
    for (int i = 0; i < others.length; i++) {
      Slot s = slots.get(i);
      s.target[s.index] = others[i];
    }
  }

  private record Slot(@Nullable Object[] target, int index) {}
}
