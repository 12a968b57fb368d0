package org.joblib4j.persist;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.MapSerializer;
import com.esotericsoftware.kryo.kryo5.util.Pool;
import java.io.UncheckedIOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Predicate;
import org.joblib4j.CorruptFileException;
import org.joblib4j.SerializationException;
import org.joblib4j.internal.Buffers;
import org.joblib4j.serial.JoblibKryo;
import org.jspecify.annotations.Nullable;

/**
 * The Kryo set-up for files: joblib4j's one Kryo configuration ({@link JoblibKryo}, the same as for
 * tasks and results) plus out-of-band primitive arrays and buffers, collection sizes that cannot
 * exhaust the heap, and the class filter.
 */
final class PersistKryo {
  private static final String SESSION = "org.joblib4j.persist.session";

  private static final Set<String> ALWAYS_ALLOWED =
      Set.of(
          "java.lang.String",
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Short",
          "java.lang.Character",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.Void");

  private static final Pool<Kryo> POOL =
      new Pool<>(true, false, 16) {
        @Override
        protected Kryo create() {
          return newKryo();
        }
      };

  private PersistKryo() {}

  /** The state of one dump or load, reachable from the serializers through the Kryo context. */
  static final class Session {
    final String source;
    final @Nullable FrameWriter writer;
    final @Nullable FrameReader reader;
    final @Nullable Predicate<String> filter;
    GraphStreams.@Nullable In graphIn;

    Session(
        String source,
        @Nullable FrameWriter writer,
        @Nullable FrameReader reader,
        @Nullable Predicate<String> filter) {
      this.source = source;
      this.writer = writer;
      this.reader = reader;
      this.filter = filter;
    }
  }

  static Kryo obtain(Session session) {
    return attach(POOL.obtain(), session);
  }

  /** Returns {@code kryo}, one of {@link #newKryo}'s, serving {@code session}. */
  static Kryo attach(Kryo kryo, Session session) {
    kryo.getContext().put(SESSION, session);
    ((FilteringKryo) kryo).session = session;
    return kryo;
  }

  /** Returns whether a dump or load starting now would find a Kryo instance ready in the pool. */
  static boolean hasIdle() {
    return POOL.getFree() > 0;
  }

  /** Makes the instances of the pool. */
  static final class NewKryo implements Callable<Kryo> {
    @Override
    public Kryo call() {
      return newKryo();
    }
  }

  /**
   * A Kryo instance being built on a thread of its own, while the caller's thread does other work;
   * given back to the pool if the caller does not take it.
   */
  static final class Build {
    private final FutureTask<Kryo> task;
    private boolean taken;

    private Build(Callable<Kryo> maker) {
      task = new FutureTask<>(maker);
    }

    /** Starts building with {@code maker} on a new daemon thread, or here if none can start. */
    static Build start(Callable<Kryo> maker) {
      Build b = new Build(maker);
      try {
        Thread t = new Thread(b.task, "joblib4j-kryo-setup");
        t.setDaemon(true);
        t.start();
      } catch (OutOfMemoryError | RuntimeException e) {
        b.task.run();
      }
      return b;
    }

    boolean isDone() {
      return task.isDone();
    }

    /** Waits for the instance, keeping the caller's interrupt flag, and returns it. */
    Kryo take() {
      taken = true;
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return task.get();
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
              throw r;
            }
            if (cause instanceof Error err) {
              throw err;
            }
            throw new IllegalStateException("Could not build a Kryo instance: " + cause, cause);
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Gives the instance to the pool once it is built, unless it was taken. */
    void close() {
      if (taken) {
        return;
      }
      Kryo kryo;
      try {
        kryo = take();
      } catch (RuntimeException | Error e) {
        return;
      }
      POOL.free(kryo);
    }
  }

  /**
   * Returns {@code kryo} to the pool after a complete dump or load; after a failure it is dropped,
   * as a stream that stopped in the middle of a value leaves state behind (such as the generic
   * types of the fields it was in) that would garble the next file.
   */
  static void release(Kryo kryo, boolean clean) {
    kryo.getContext().remove(SESSION);
    ((FilteringKryo) kryo).session = null;
    if (clean) {
      kryo.reset();
      POOL.free(kryo);
    }
  }

  static Session session(Kryo kryo) {
    Object s = kryo.getContext().get(SESSION);
    if (s == null) {
      throw new IllegalStateException("no persistence session");
    }
    return (Session) s;
  }

  static Kryo newKryo() {
    Kryo kryo = new FilteringKryo();
    SerializerFactory<Serializer<?>> collections =
        new SerializerFactory.BaseSerializerFactory<>() {
          @Override
          public Serializer<?> newSerializer(Kryo k, Class type) {
            return new CappedCollectionSerializer();
          }
        };
    SerializerFactory<Serializer<?>> maps =
        new SerializerFactory.BaseSerializerFactory<>() {
          @Override
          public Serializer<?> newSerializer(Kryo k, Class type) {
            return new CappedMapSerializer();
          }
        };
    kryo.addDefaultSerializer(ArrayList.class, collections);
    kryo.addDefaultSerializer(HashSet.class, collections);
    kryo.addDefaultSerializer(HashMap.class, maps);
    kryo.addDefaultSerializer(byte[].class, new ArraySerializer(Format.BYTE));
    kryo.addDefaultSerializer(short[].class, new ArraySerializer(Format.SHORT));
    kryo.addDefaultSerializer(char[].class, new ArraySerializer(Format.CHAR));
    kryo.addDefaultSerializer(int[].class, new ArraySerializer(Format.INT));
    kryo.addDefaultSerializer(long[].class, new ArraySerializer(Format.LONG));
    kryo.addDefaultSerializer(float[].class, new ArraySerializer(Format.FLOAT));
    kryo.addDefaultSerializer(double[].class, new ArraySerializer(Format.DOUBLE));
    kryo.addDefaultSerializer(boolean[].class, new ArraySerializer(Format.BOOLEAN));
    kryo.addDefaultSerializer(ByteBuffer.class, new BufferSerializer(Format.BYTE));
    kryo.addDefaultSerializer(ShortBuffer.class, new BufferSerializer(Format.SHORT));
    kryo.addDefaultSerializer(CharBuffer.class, new BufferSerializer(Format.CHAR));
    kryo.addDefaultSerializer(IntBuffer.class, new BufferSerializer(Format.INT));
    kryo.addDefaultSerializer(LongBuffer.class, new BufferSerializer(Format.LONG));
    kryo.addDefaultSerializer(FloatBuffer.class, new BufferSerializer(Format.FLOAT));
    kryo.addDefaultSerializer(DoubleBuffer.class, new BufferSerializer(Format.DOUBLE));
    return kryo;
  }

  /** The most elements a collection or map is created with room for; it grows as read. */
  static final int INITIAL_CAPACITY_LIMIT = 1 << 16;

  /**
   * Kryo's collection serializer, except that the size in the file only sizes the new collection up
   * to a limit: a size that lies runs out of data instead of memory.
   */
  @SuppressWarnings("rawtypes")
  static final class CappedCollectionSerializer extends CollectionSerializer<Collection> {
    @Override
    protected Collection create(
        Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      return super.create(kryo, input, type, Math.min(size, INITIAL_CAPACITY_LIMIT));
    }
  }

  /** Kryo's map serializer with the same limit as {@link CappedCollectionSerializer}. */
  @SuppressWarnings("rawtypes")
  static final class CappedMapSerializer extends MapSerializer<Map> {
    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      return super.create(kryo, input, type, Math.min(size, INITIAL_CAPACITY_LIMIT));
    }
  }

  /** Returns whether the session's filter lets the file name {@code type}. */
  static void check(Session session, Class<?> type) {
    Predicate<String> filter = session.filter;
    if (filter == null) {
      return;
    }
    Class<?> t = type;
    while (t.isArray()) {
      t = t.getComponentType();
    }
    if (t.isPrimitive()
        || ALWAYS_ALLOWED.contains(t.getName())
        || Buffer.class.isAssignableFrom(t)) {
      return;
    }
    String name =
        t == ClosureSerializer.Closure.class ? "java.lang.invoke.SerializedLambda" : t.getName();
    if (!filter.test(name)) {
      throw new DisallowedClassException(name, session.source);
    }
  }

  /** joblib4j's Kryo, asking the session's class filter about every class a file names. */
  static final class FilteringKryo extends JoblibKryo {
    /** The dump or load this instance serves, or null between them. */
    @Nullable Session session;

    @Override
    protected boolean filtersClasses() {
      Session s = session;
      return s != null && s.reader != null && s.filter != null;
    }

    @Override
    protected void checkClass(Class<?> type) {
      Session s = session;
      if (s != null) {
        check(s, type);
      }
    }
  }

  /**
   * Small arrays inline in the graph; large ones as a marker that ends the graph frame, followed by
   * an array frame.
   */
  static final class ArraySerializer extends Serializer<Object> {
    private final int type;

    ArraySerializer(int type) {
      this.type = type;
    }

    @Override
    public void write(Kryo kryo, Output output, Object array) {
      int length = Format.arrayLength(array);
      int size = Format.size(type);
      if ((long) length * size < Format.BLOCK_THRESHOLD) {
        output.writeByte(0);
        output.writeVarInt(length, true);
        writeInline(output, array, length);
      } else {
        output.writeByte(1);
        output.flush();
        FrameWriter w = session(kryo).writer;
        if (w == null) {
          throw new IllegalStateException("no writer");
        }
        w.array(type, array);
      }
    }

    private void writeInline(Output output, Object array, int length) {
      switch (type) {
        case Format.BYTE:
          output.writeBytes((byte[]) array);
          break;
        case Format.SHORT:
          output.writeShorts((short[]) array, 0, length);
          break;
        case Format.CHAR:
          output.writeChars((char[]) array, 0, length);
          break;
        case Format.INT:
          output.writeInts((int[]) array, 0, length, false);
          break;
        case Format.LONG:
          output.writeLongs((long[]) array, 0, length, false);
          break;
        case Format.FLOAT:
          output.writeFloats((float[]) array, 0, length);
          break;
        case Format.DOUBLE:
          output.writeDoubles((double[]) array, 0, length);
          break;
        default:
          output.writeBooleans((boolean[]) array, 0, length);
      }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<? extends Object> cls) {
      Session s = session(kryo);
      int mode = input.readByte();
      if (mode == 0) {
        int length = input.readVarInt(true);
        if (length < 0 || (long) length * Format.size(type) >= Format.BLOCK_THRESHOLD) {
          throw corrupt(s, "an inline array claims " + length + " elements");
        }
        return readInline(input, length);
      }
      if (mode != 1) {
        throw corrupt(s, "unknown array marker " + mode);
      }
      drained(s, input);
      FrameReader r = s.reader;
      if (r == null) {
        throw new IllegalStateException("no reader");
      }
      return r.array(type);
    }

    private Object readInline(Input input, int length) {
      switch (type) {
        case Format.BYTE:
          return input.readBytes(length);
        case Format.SHORT:
          return input.readShorts(length);
        case Format.CHAR:
          return input.readChars(length);
        case Format.INT:
          return input.readInts(length, false);
        case Format.LONG:
          return input.readLongs(length, false);
        case Format.FLOAT:
          return input.readFloats(length);
        case Format.DOUBLE:
          return input.readDoubles(length);
        default:
          return input.readBooleans(length);
      }
    }
  }

  /** Buffers always go to an array frame; on load they may be views of a mapping. */
  static final class BufferSerializer extends Serializer<Buffer> {
    private final int type;

    BufferSerializer(int type) {
      this.type = type;
    }

    @Override
    public void write(Kryo kryo, Output output, Buffer buffer) {
      output.writeByte(1);
      output.flush();
      FrameWriter w = session(kryo).writer;
      if (w == null) {
        throw new IllegalStateException("no writer");
      }
      int flags = type;
      if (buffer.isDirect()) {
        flags |= Format.FLAG_DIRECT;
      }
      if (Buffers.order(buffer) == ByteOrder.BIG_ENDIAN) {
        flags |= Format.FLAG_BIG_ENDIAN;
      }
      w.buffer(flags, buffer);
    }

    @Override
    public Buffer read(Kryo kryo, Input input, Class<? extends Buffer> cls) {
      Session s = session(kryo);
      int mode = input.readByte();
      if (mode != 1) {
        throw corrupt(s, "unknown buffer marker " + mode);
      }
      drained(s, input);
      FrameReader r = s.reader;
      if (r == null) {
        throw new IllegalStateException("no reader");
      }
      return r.buffer(type);
    }
  }

  private static void drained(Session s, Input input) {
    GraphStreams.In in = s.graphIn;
    if (input.position() != input.limit() || in == null || !in.drained()) {
      throw corrupt(s, "graph data continues after an array marker");
    }
  }

  private static CorruptFileException corrupt(Session s, String problem) {
    FrameReader r = s.reader;
    if (r == null) {
      return new CorruptFileException(s.source, -1, problem, null);
    }
    return r.corrupt(problem);
  }

  /** Returns the typed exception inside a Kryo failure, if there is one. */
  static @Nullable RuntimeException unwrap(Throwable e) {
    for (Class<?> wanted :
        new Class<?>[] {
          DisallowedClassException.class,
          CorruptFileException.class,
          UncheckedIOException.class,
          SerializationException.class
        }) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (wanted.isInstance(t)) {
          return (RuntimeException) t;
        }
      }
    }
    return null;
  }
}
