package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.ImmutableSerializer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import org.jspecify.annotations.Nullable;

/**
 * Kryo's record serializer in the same format: the components sorted by name, a primitive one as
 * {@code writeObject}, one of a final type as {@code writeObjectOrNull}, any other as {@code
 * writeClassAndObject}; read back through the canonical constructor. It differs from Kryo's in how
 * it finds the components: once per class, through {@link Class#getRecordComponents} called
 * directly, where Kryo's calls it through {@code Method.invoke} on every write and read. The first
 * reflective call of that caller-sensitive method in a JVM parses annotations and defines proxy
 * classes, about 20 ms of the first dump of a record. Not thread-safe, as Kryo's serializers are
 * not: each Kryo instance makes its own.
 *
 * @param <T> the record class
 */
final class RecordComponentsSerializer<T> extends ImmutableSerializer<T> {
  private final Class<T> type;

  /** The component names, sorted. */
  private final String[] names;

  /** The component types, in the order of {@link #names}. */
  private final Class<?>[] types;

  /** The position of each component in the record's declaration, in the order of names. */
  private final int[] positions;

  /** The accessors, in the order of {@link #names}; made accessible at the first write. */
  private final Method[] accessors;

  private boolean accessible;
  private @Nullable Constructor<T> canonical;

  RecordComponentsSerializer(Class<T> type) {
    this.type = type;
    RecordComponent[] declared = type.getRecordComponents();
    if (declared == null) {
      throw new KryoException(type.getName() + " is not a record");
    }
    int n = declared.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Insertion sort by name: records have few components, and a comparator would be a lambda.
    for (int i = 1; i < n; i++) {
      int p = order[i];
      String name = declared[p].getName();
      int j = i - 1;
      while (j >= 0 && declared[order[j]].getName().compareTo(name) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = p;
    }
    names = new String[n];
    types = new Class<?>[n];
    positions = order;
    accessors = new Method[n];
    for (int i = 0; i < n; i++) {
      RecordComponent rc = declared[order[i]];
      names[i] = rc.getName();
      types[i] = rc.getType();
      accessors[i] = rc.getAccessor();
    }
  }

  @Override
  public void write(Kryo kryo, Output output, T object) {
    for (int i = 0; i < names.length; i++) {
      Class<?> t = types[i];
      try {
        if (t.isPrimitive()) {
          kryo.writeObject(output, value(object, i));
        } else if (kryo.isFinal(t)) {
          kryo.writeObjectOrNull(output, value(object, i), t);
        } else {
          kryo.writeClassAndObject(output, value(object, i));
        }
      } catch (Throwable e) {
        throw traced(e, trace(i));
      }
    }
  }

  /** Returns {@code e} as a KryoException that names the component being written or read. */
  private static KryoException traced(Throwable e, String trace) {
    KryoException ex = e instanceof KryoException k ? k : new KryoException(e);
    ex.addTrace(trace);
    return ex;
  }

  private @Nullable Object value(T object, int i) {
    try {
      if (!accessible) {
        for (Method m : accessors) {
          if (!m.canAccess(object)) {
            m.setAccessible(true);
          }
        }
        accessible = true;
      }
      return accessors[i].invoke(object);
    } catch (Throwable e) {
      KryoException ex = new KryoException(e);
      ex.addTrace("Could not retrieve record components (" + type.getName() + ")");
      throw ex;
    }
  }

  @Override
  public T read(Kryo kryo, Input input, Class<? extends T> cls) {
    @Nullable Object[] values = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      Class<?> t = types[i];
      try {
        if (t.isPrimitive()) {
          values[positions[i]] = kryo.readObject(input, t);
        } else if (kryo.isFinal(t)) {
          values[positions[i]] = kryo.readObjectOrNull(input, t);
        } else {
          values[positions[i]] = kryo.readClassAndObject(input);
        }
      } catch (Throwable e) {
        throw traced(e, trace(i));
      }
    }
    try {
      return canonical().newInstance(values);
    } catch (Throwable e) {
      KryoException ex = new KryoException(e);
      ex.addTrace("Could not construct type (" + type.getName() + ")");
      throw ex;
    }
  }

  private Constructor<T> canonical() throws NoSuchMethodException {
    Constructor<T> c = canonical;
    if (c == null) {
      Class<?>[] params = new Class<?>[names.length];
      for (int i = 0; i < names.length; i++) {
        params[positions[i]] = types[i];
      }
      try {
        c = type.getConstructor(params);
      } catch (NoSuchMethodException e) {
        c = type.getDeclaredConstructor(params);
        c.setAccessible(true);
      }
      canonical = c;
    }
    return c;
  }

  private String trace(int i) {
    return new StringBuilder(names[i])
        .append(" (")
        .append(types[i].getName())
        .append(')')
        .toString();
  }
}
