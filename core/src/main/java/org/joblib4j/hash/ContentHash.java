package org.joblib4j.hash;

import com.dynatrace.hash4j.hashing.ByteAccess;
import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.joblib4j.internal.Lambdas;
import org.jspecify.annotations.Nullable;

/**
 * A 128-bit content hash of value graphs, stable across runs, JVMs and machines: the XXH3-128
 * digest (hash4j's {@code xxh3_128}, with seed 0) of a canonical encoding of the graph. This class
 * is thread-safe.
 *
 * <p>The encoding, and so the hash, follows these rules:
 *
 * <ul>
 *   <li>Every value starts with a type tag: {@code 1} (Integer) and {@code 1L} (Long) differ.
 *   <li>Strings are their UTF-8 bytes; boxed primitives their value; {@code BigInteger} and {@code
 *       BigDecimal} their value and scale; enums their class and constant name; classes their name;
 *       {@code Path} its string form.
 *   <li>Primitive arrays and {@code java.nio} buffers are hashed in bulk over their contents
 *       (buffers from position to limit).
 *   <li>Lists, queues, other collections and object arrays in iteration order; sets and maps
 *       regardless of order (the digests of their elements or entries are sorted), so equal
 *       collections give equal hashes whatever their class, as {@code equals} does.
 *   <li>Records and other objects by their class name and their non-static, non-transient fields,
 *       sorted by declaring class name and then field name.
 *   <li>Serializable lambdas and method references by their {@link SerializedLambda}: capturing
 *       class, implementation class and method, signature and captured values.
 *   <li>Other serializable JDK classes ({@code java.time}, {@code UUID}, ...) by their Java
 *       serialized form, which is their documented, stable state.
 *   <li>A reference back to an object that contains it is encoded as the distance to it, so cycles
 *       are hashed and do not recurse forever.
 *   <li>Anything else (threads, streams, locks, lambdas that are not serializable, JDK classes that
 *       are not serializable) is an {@link UnhashableException} naming the class; identity hash
 *       codes are never used.
 * </ul>
 */
public final class ContentHash {
  private ContentHash() {}

  /** Returns the hash of {@code values} as 32 lowercase hex digits. */
  public static String of(@Nullable Object... values) {
    long[] h = digest(values);
    return hex(h[0]) + hex(h[1]);
  }

  /** Returns the hash of {@code values} as two longs. */
  public static long[] digest(@Nullable Object... values) {
    Encoder e = new Encoder(new IdentityHashMap<>());
    e.args(values == null ? new Object[] {null} : values);
    return e.digest();
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0000000000000000".substring(s.length()) + s;
  }

  /* Design note: the graph is encoded into a byte array that is hashed once at the end. Large
   * primitive arrays and buffers are not copied into it: their bytes (little-endian) are hashed by
   * their own XXH3 stream and the 16-byte digest stands in for them. hash4j reads memory with
   * VarHandles, not sun.misc.Unsafe, so hashing prints no deprecation warning on JDK 24 and later;
   * its digests are those of the reference XXH3-128, equal to the ones zero-allocation-hashing gave
   * on little-endian machines, so keys of existing caches stay valid. Set elements and map entries are encoded by a sub-encoder each, and their digests are
   * sorted, which makes the result independent of iteration order. Back references count the
   * levels up the current path instead of numbering objects in visit order, because a visit
   * order would depend on the iteration order of hash-based collections. */
  static final class Encoder {
    private static final Hasher128 XX = Hashing.xxh3_128();
    private static final ByteAccess<ByteBuffer> BUFFER_ACCESS =
        ByteAccess.forByteBuffer(ByteOrder.LITTLE_ENDIAN);

    /** Arrays of more bytes than this are hashed in place. */
    private static final int INLINE = 256;

    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte BYTE = 2;
    private static final byte SHORT = 3;
    private static final byte CHAR = 4;
    private static final byte INT = 5;
    private static final byte LONG = 6;
    private static final byte FLOAT = 7;
    private static final byte DOUBLE = 8;
    private static final byte STRING = 9;
    private static final byte BIG_INTEGER = 10;
    private static final byte BIG_DECIMAL = 11;
    private static final byte PRIMITIVE_ARRAY = 12;
    private static final byte OBJECT_ARRAY = 13;
    private static final byte LIST = 14;
    private static final byte SET = 15;
    private static final byte MAP = 16;
    private static final byte ENUM = 17;
    private static final byte OBJECT = 18;
    private static final byte CLASS = 19;
    private static final byte LAMBDA = 20;
    private static final byte BUFFER = 21;
    private static final byte BACK_REFERENCE = 22;
    private static final byte JAVA_SERIALIZED = 23;
    private static final byte ARGS = 24;
    private static final byte OPTIONAL = 25;
    private static final byte PATH = 26;
    private static final byte ENTRY = 27;

    private final IdentityHashMap<Object, Integer> onPath;
    private byte[] buf = new byte[128];
    private int len;

    Encoder(IdentityHashMap<Object, Integer> onPath) {
      this.onPath = onPath;
    }

    long[] digest() {
      return pair(XX.hashBytesTo128Bits(buf, 0, len));
    }

    /** Returns a digest as {low 64 bits, high 64 bits}. */
    private static long[] pair(HashValue128 h) {
      return new long[] {h.getLeastSignificantBits(), h.getMostSignificantBits()};
    }

    /** Returns the digest of the little-endian bytes of a primitive array. */
    private static long[] arrayDigest(Object array) {
      HashStream128 s = XX.hashStream();
      if (array instanceof byte[] a) {
        s.putBytes(a);
      } else if (array instanceof double[] a) {
        s.putDoubles(a);
      } else if (array instanceof long[] a) {
        s.putLongs(a);
      } else if (array instanceof int[] a) {
        s.putInts(a);
      } else if (array instanceof float[] a) {
        s.putFloats(a);
      } else if (array instanceof short[] a) {
        s.putShorts(a);
      } else if (array instanceof char[] a) {
        s.putChars(a);
      } else if (array instanceof boolean[] a) {
        s.putBooleans(a);
      } else {
        throw new IllegalArgumentException("not a primitive array: " + array.getClass().getName());
      }
      return pair(s.get());
    }

    void reset() {
      len = 0;
    }

    void args(@Nullable Object[] values) {
      tag(ARGS);
      putInt(values.length);
      for (int i = 0; i < values.length; i++) {
        try {
          value(values[i]);
        } catch (UnhashableException e) {
          throw e.at("args[" + i + "]");
        }
      }
    }

    void value(@Nullable Object v) {
      if (v == null) {
        tag(NULL);
      } else if (v instanceof String s) {
        tag(STRING);
        putString(s);
      } else if (v instanceof Integer i) {
        tag(INT);
        putInt(i);
      } else if (v instanceof Long l) {
        tag(LONG);
        putLong(l);
      } else if (v instanceof Double d) {
        tag(DOUBLE);
        putLong(Double.doubleToLongBits(d));
      } else if (v instanceof Boolean b) {
        tag(BOOLEAN);
        tag(b ? (byte) 1 : (byte) 0);
      } else if (v instanceof Float f) {
        tag(FLOAT);
        putInt(Float.floatToIntBits(f));
      } else if (v instanceof Short s) {
        tag(SHORT);
        putInt(s);
      } else if (v instanceof Byte b) {
        tag(BYTE);
        tag(b);
      } else if (v instanceof Character c) {
        tag(CHAR);
        putInt(c);
      } else if (v instanceof Enum<?> e) {
        tag(ENUM);
        putString(e.getDeclaringClass().getName());
        putString(e.name());
      } else if (v instanceof Class<?> c) {
        tag(CLASS);
        putString(c.getName());
      } else if (v instanceof BigInteger b) {
        tag(BIG_INTEGER);
        putBytes(b.toByteArray());
      } else if (v instanceof BigDecimal b) {
        tag(BIG_DECIMAL);
        putBytes(b.unscaledValue().toByteArray());
        putInt(b.scale());
      } else if (v.getClass().isArray() && v.getClass().getComponentType().isPrimitive()) {
        primitiveArray(v);
      } else if (v instanceof Buffer b) {
        buffer(b);
      } else if (v instanceof Path p) {
        tag(PATH);
        putString(p.toString());
      } else {
        Integer at = onPath.get(v);
        if (at != null) {
          tag(BACK_REFERENCE);
          putInt(onPath.size() - at);
          return;
        }
        onPath.put(v, onPath.size());
        try {
          container(v);
        } finally {
          onPath.remove(v);
        }
      }
    }

    private void container(Object v) {
      Class<?> type = v.getClass();
      if (v instanceof Object[] array) {
        tag(OBJECT_ARRAY);
        putString(type.getComponentType().getName());
        putInt(array.length);
        for (int i = 0; i < array.length; i++) {
          try {
            value(array[i]);
          } catch (UnhashableException e) {
            throw e.at("[" + i + "]");
          }
        }
      } else if (v instanceof Set<?> set) {
        unordered(SET, set.size(), set, false);
      } else if (v instanceof Map<?, ?> map) {
        unordered(MAP, map.size(), map.entrySet(), true);
      } else if (v instanceof Collection<?> c) {
        tag(LIST);
        putInt(c.size());
        int i = 0;
        for (Object o : c) {
          try {
            value(o);
          } catch (UnhashableException e) {
            throw e.at("[" + i + "]");
          }
          i++;
        }
      } else if (v instanceof Map.Entry<?, ?> entry) {
        tag(ENTRY);
        value(entry.getKey());
        value(entry.getValue());
      } else if (v instanceof Optional<?> o) {
        tag(OPTIONAL);
        value(o.orElse(null));
        tag(o.isPresent() ? (byte) 1 : (byte) 0);
      } else if (type.isSynthetic() || type.isHidden()) {
        lambda(v);
      } else if (isJdk(type)) {
        javaSerialized(v);
      } else {
        object(v);
      }
    }

    private void unordered(byte tag, int size, Collection<?> items, boolean entries) {
      tag(tag);
      putInt(size);
      long[] digests = new long[2 * items.size()];
      Encoder sub = new Encoder(onPath);
      int n = 0;
      for (Object o : items) {
        sub.reset();
        try {
          if (entries) {
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            sub.value(e.getKey());
            sub.value(e.getValue());
          } else {
            sub.value(o);
          }
        } catch (UnhashableException e) {
          throw e.at(entries ? "[" + ((Map.Entry<?, ?>) o).getKey() + "]" : "{}");
        }
        long[] d = sub.digest();
        digests[n++] = d[0];
        digests[n++] = d[1];
      }
      Integer[] order = new Integer[n / 2];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(
          order,
          Comparator.<Integer>comparingLong(i -> digests[2 * i] ^ Long.MIN_VALUE)
              .thenComparingLong(i -> digests[2 * i + 1] ^ Long.MIN_VALUE));
      for (Integer i : order) {
        putLong(digests[2 * i]);
        putLong(digests[2 * i + 1]);
      }
    }

    private void lambda(Object v) {
      Optional<SerializedLambda> form = Lambdas.serializedForm(v);
      if (form.isEmpty()) {
        throw new UnhashableException(
            v.getClass().getName(),
            "it is a lambda or method reference that is not serializable, so it has no content"
                + " to hash. Give it a serializable target type such as"
                + " org.joblib4j.SerializableFunction, or pass the data it captures instead.");
      }
      SerializedLambda sl = form.get();
      tag(LAMBDA);
      putString(sl.getCapturingClass());
      putString(sl.getFunctionalInterfaceClass());
      putString(sl.getFunctionalInterfaceMethodName());
      putString(sl.getFunctionalInterfaceMethodSignature());
      putString(sl.getImplClass());
      putString(sl.getImplMethodName());
      putString(sl.getImplMethodSignature());
      putInt(sl.getImplMethodKind());
      putString(sl.getInstantiatedMethodType());
      putInt(sl.getCapturedArgCount());
      for (int i = 0; i < sl.getCapturedArgCount(); i++) {
        try {
          value(sl.getCapturedArg(i));
        } catch (UnhashableException e) {
          throw e.at(".arg$" + (i + 1));
        }
      }
    }

    private void javaSerialized(Object v) {
      Class<?> type = v.getClass();
      if (!(v instanceof Serializable)) {
        throw new UnhashableException(
            type.getName(),
            "it is a JDK class that is not serializable (a thread, stream, lock or similar) and"
                + " has no content to hash. Pass the data it holds instead.");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(v);
      } catch (IOException e) {
        throw new UnhashableException(
            type.getName(),
            "its Java serialized form, which is hashed for JDK classes, cannot be written ("
                + e
                + "). Pass the data it holds instead.");
      }
      tag(JAVA_SERIALIZED);
      putString(type.getName());
      putBytes(bytes.toByteArray());
    }

    private void object(Object v) {
      Class<?> type = v.getClass();
      Fields fields = FIELDS.get(type);
      if (fields.error != null) {
        throw new UnhashableException(type.getName(), fields.error);
      }
      tag(OBJECT);
      putString(type.getName());
      for (Field f : fields.fields) {
        Object value;
        try {
          value = f.get(v);
        } catch (IllegalAccessException e) {
          throw new UnhashableException(
              type.getName(), "field " + f.getName() + " cannot be read (" + e.getMessage() + ")");
        }
        putString(f.getName());
        try {
          value(value);
        } catch (UnhashableException e) {
          throw e.at("." + f.getName());
        }
      }
    }

    private void primitiveArray(Object array) {
      Class<?> c = array.getClass().getComponentType();
      int length = java.lang.reflect.Array.getLength(array);
      int size = elementSize(c);
      long bytes = (long) length * size;
      tag(PRIMITIVE_ARRAY);
      putString(c.getName());
      putInt(length);
      if (bytes <= INLINE) {
        ensure((int) bytes);
        ByteBuffer b = ByteBuffer.wrap(buf, len, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (array instanceof byte[] a) {
          b.put(a);
        } else if (array instanceof double[] a) {
          b.asDoubleBuffer().put(a);
        } else if (array instanceof long[] a) {
          b.asLongBuffer().put(a);
        } else if (array instanceof int[] a) {
          b.asIntBuffer().put(a);
        } else if (array instanceof float[] a) {
          b.asFloatBuffer().put(a);
        } else if (array instanceof short[] a) {
          b.asShortBuffer().put(a);
        } else if (array instanceof char[] a) {
          b.asCharBuffer().put(a);
        } else {
          boolean[] a = (boolean[]) array;
          for (boolean x : a) {
            b.put(x ? (byte) 1 : (byte) 0);
          }
        }
        len += (int) bytes;
      } else {
        long[] d = arrayDigest(array);
        putLong(d[0]);
        putLong(d[1]);
      }
    }

    private void buffer(Buffer b) {
      tag(BUFFER);
      int type;
      long[] d;
      if (b instanceof ByteBuffer bb) {
        type = 1;
        // Through the public buffer API, which reads heap and direct buffers alike.
        ByteBuffer le = bb.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        d = pair(XX.hashBytesTo128Bits(le, le.position(), le.remaining(), BUFFER_ACCESS));
      } else {
        Object array = copyOut(b);
        type = elementSize(array.getClass().getComponentType()) + 10;
        if (array instanceof char[]) {
          type = 20;
        } else if (array instanceof float[]) {
          type = 21;
        } else if (array instanceof double[]) {
          type = 22;
        }
        d = arrayDigest(array);
      }
      putInt(type);
      putInt(b.remaining());
      putLong(d[0]);
      putLong(d[1]);
    }

    /** Returns the remaining elements of a typed buffer as an array. */
    private static Object copyOut(Buffer b) {
      if (b instanceof DoubleBuffer x) {
        double[] a = new double[x.remaining()];
        x.duplicate().get(a);
        return a;
      } else if (b instanceof LongBuffer x) {
        long[] a = new long[x.remaining()];
        x.duplicate().get(a);
        return a;
      } else if (b instanceof IntBuffer x) {
        int[] a = new int[x.remaining()];
        x.duplicate().get(a);
        return a;
      } else if (b instanceof FloatBuffer x) {
        float[] a = new float[x.remaining()];
        x.duplicate().get(a);
        return a;
      } else if (b instanceof ShortBuffer x) {
        short[] a = new short[x.remaining()];
        x.duplicate().get(a);
        return a;
      }
      CharBuffer x = (CharBuffer) b;
      char[] a = new char[x.remaining()];
      x.duplicate().get(a);
      return a;
    }

    private static int elementSize(Class<?> c) {
      if (c == byte.class || c == boolean.class) {
        return 1;
      } else if (c == short.class || c == char.class) {
        return 2;
      } else if (c == int.class || c == float.class) {
        return 4;
      }
      return 8;
    }

    private static boolean isJdk(Class<?> type) {
      String n = type.getName();
      return n.startsWith("java.")
          || n.startsWith("javax.")
          || n.startsWith("jdk.")
          || n.startsWith("sun.")
          || n.startsWith("com.sun.");
    }

    private void tag(byte t) {
      ensure(1);
      buf[len++] = t;
    }

    private void putInt(int v) {
      ensure(4);
      for (int i = 0; i < 4; i++) {
        buf[len++] = (byte) (v >>> (8 * i));
      }
    }

    private void putLong(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[len++] = (byte) (v >>> (8 * i));
      }
    }

    private void putBytes(byte[] b) {
      putInt(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    private void putString(String s) {
      putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private void ensure(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }
  }

  /** The fields an object is hashed by, or why its class cannot be hashed. */
  static final class Fields {
    final Field[] fields;
    final @Nullable String error;

    Fields(Field[] fields, @Nullable String error) {
      this.fields = fields;
      this.error = error;
    }
  }

  private static final ClassValue<Fields> FIELDS =
      new ClassValue<>() {
        @Override
        protected Fields computeValue(Class<?> type) {
          List<Field> all = new ArrayList<>();
          for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (Encoder.isJdk(c)
                && !Serializable.class.isAssignableFrom(c)
                && Arrays.stream(c.getDeclaredFields())
                    .anyMatch(f -> !Modifier.isStatic(f.getModifiers()))) {
              return new Fields(
                  new Field[0],
                  "it extends "
                      + c.getName()
                      + ", a JDK class that is not serializable and has"
                      + " no content to hash. Pass the data it holds instead.");
            }
            for (Field f : c.getDeclaredFields()) {
              int m = f.getModifiers();
              if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
                all.add(f);
              }
            }
          }
          all.sort(
              Comparator.comparing((Field f) -> f.getDeclaringClass().getName())
                  .thenComparing(Field::getName));
          for (Field f : all) {
            try {
              f.setAccessible(true);
            } catch (RuntimeException e) {
              return new Fields(
                  new Field[0],
                  "its field "
                      + f.getDeclaringClass().getName()
                      + "."
                      + f.getName()
                      + " cannot be read ("
                      + e.getMessage()
                      + "). Open its package to"
                      + " org.joblib4j, or pass the data it holds instead.");
            }
          }
          return new Fields(all.toArray(new Field[0]), null);
        }
      };
}
