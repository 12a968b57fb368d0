package org.joblib4j.persist;

import com.esotericsoftware.kryo.kryo5.DefaultSerializer;
import com.esotericsoftware.kryo.kryo5.KryoSerializable;
import com.esotericsoftware.kryo.kryo5.serializers.FieldSerializer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.joblib4j.serial.JoblibKryo;
import org.jspecify.annotations.Nullable;

/**
 * The large primitive arrays at the start of a value, in the order its graph will reach them, and
 * the body offsets their array frames' payloads will have: found before a Kryo instance exists, so
 * that the first dump of a JVM can write them while Kryo is still being built (see {@link
 * FrameWriter}). A wrong guess costs time, never correctness: the writer checks each array when the
 * graph reaches it. Not thread-safe.
 */
final class AheadPlan {
  /*
   * Design note: the scan follows the value as joblib4j's Kryo set-up writes it, for the kinds of
   * objects whose order is known without Kryo: a primitive array (an array frame when large, a
   * back-reference when met again), the components of a record sorted by name (as
   * RecordComponentsSerializer writes them), the elements of an object array or an ArrayList in
   * order, the fields of a class of the program's that Kryo's field serializer writes, sorted by
   * name, and strings, boxed primitives and enums, which hold no array. At anything else it stops:
   * what it found up to there is still the graph's first arrays, in order. Record components are
   * read from the record's fields, so no code of the program runs twice.
   */

  /** The most arrays planned; after them the body is written in order. */
  static final int MAX_SLOTS = 64;

  /** The most objects the scan looks at. */
  private static final int MAX_VISITS = 4096;

  private static final int MAX_DEPTH = 32;

  /**
   * The body bytes left for the graph before the first array (its class names and the fields before
   * it) and before each later one, with the frame headers around them.
   */
  static final int FIRST_SPACE = 256;

  static final int SPACE = 128;

  /** One array of the plan. */
  static final class Slot {
    final Object array;
    final int type;
    final int count;
    final long bytes;

    /** The body offset of the payload, a multiple of 64 in the file. */
    long payload;

    /** How many elements have been written, and their checksum. */
    int done;

    final CRC32C crc = new CRC32C();

    Slot(Object array, int type, int count) {
      this.array = array;
      this.type = type;
      this.count = count;
      this.bytes = (long) count * Format.size(type);
    }
  }

  private final List<Slot> slots;

  private AheadPlan(List<Slot> slots) {
    this.slots = slots;
    long end = 0;
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      long start = aligned(end + (i == 0 ? FIRST_SPACE : SPACE));
      s.payload = start;
      end = start + s.bytes + Format.TRAILER_SIZE;
    }
  }

  /** Returns the smallest body offset at or after {@code offset} that is aligned in the file. */
  private static long aligned(long offset) {
    long file = Format.HEADER_SIZE + offset;
    return ((file + Format.ALIGNMENT - 1) & -Format.ALIGNMENT) - Format.HEADER_SIZE;
  }

  int size() {
    return slots.size();
  }

  Slot slot(int i) {
    return slots.get(i);
  }

  /** Returns the plan for {@code value}; it may have no slots. */
  static AheadPlan of(@Nullable Object value) {
    Scan scan = new Scan();
    try {
      scan.visit(value, 0);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // A field the scan cannot read ends the scan; Kryo reports what it cannot write.
    }
    return new AheadPlan(scan.found);
  }

  /** A depth-first walk in the order the graph is written; each visit returns false to stop. */
  private static final class Scan {
    final List<Slot> found = new ArrayList<>();
    final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    int visits;

    boolean visit(@Nullable Object v, int depth) throws ReflectiveOperationException {
      if (++visits > MAX_VISITS || depth > MAX_DEPTH) {
        return false;
      }
      if (v == null || v instanceof String || v instanceof Number && isBoxed(v)) {
        return true;
      }
      if (v instanceof Boolean || v instanceof Character || v instanceof Enum<?>) {
        return true;
      }
      Class<?> c = v.getClass();
      if (c.isArray() && c.getComponentType().isPrimitive()) {
        if (seen.put(v, Boolean.TRUE) == null) {
          int type = elementType(c.getComponentType());
          int count = Format.arrayLength(v);
          if ((long) count * Format.size(type) >= Format.BLOCK_THRESHOLD) {
            if (found.size() == MAX_SLOTS) {
              return false;
            }
            found.add(new Slot(v, type, count));
          }
        }
        return true;
      }
      if (c == String[].class) {
        return true;
      }
      if (seen.put(v, Boolean.TRUE) != null) {
        return true;
      }
      if (c.isArray()) {
        for (Object e : (Object[]) v) {
          if (!visit(e, depth + 1)) {
            return false;
          }
        }
        return true;
      }
      if (c == ArrayList.class) {
        for (Object e : (ArrayList<?>) v) {
          if (!visit(e, depth + 1)) {
            return false;
          }
        }
        return true;
      }
      if (c.isRecord() && plainRecord(c)) {
        RecordComponent[] components = c.getRecordComponents();
        for (int i : byName(components)) {
          RecordComponent rc = components[i];
          if (rc.getType().isPrimitive()) {
            continue;
          }
          Field f = c.getDeclaredField(rc.getName());
          f.setAccessible(true);
          if (!visit(f.get(v), depth + 1)) {
            return false;
          }
        }
        return true;
      }
      if (JoblibKryo.writesFields(c)) {
        for (Field f : fieldsByName(c)) {
          if (!f.getType().isPrimitive() && !visit(f.get(v), depth + 1)) {
            return false;
          }
        }
        return true;
      }
      return false;
    }
  }

  /**
   * Returns the fields Kryo's field serializer writes for {@code c}, in its order: those of the
   * class and its superclasses that are neither static, transient nor synthetic, sorted by name (a
   * stable sort, as Kryo's); accessible. A field Kryo may skip ({@code @Optional}) ends the scan.
   */
  private static List<Field> fieldsByName(Class<?> c) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic()) {
          continue;
        }
        if (f.isAnnotationPresent(FieldSerializer.Optional.class)) {
          throw new IllegalStateException("a field Kryo may skip");
        }
        f.setAccessible(true);
        fields.add(f);
      }
    }
    // Insertion sort by name, stable: a comparator would be a lambda.
    for (int i = 1; i < fields.size(); i++) {
      Field f = fields.get(i);
      int j = i - 1;
      while (j >= 0 && fields.get(j).getName().compareTo(f.getName()) > 0) {
        fields.set(j + 1, fields.get(j));
        j--;
      }
      fields.set(j + 1, f);
    }
    return fields;
  }

  private static boolean isBoxed(Object v) {
    return v instanceof Integer
        || v instanceof Long
        || v instanceof Double
        || v instanceof Float
        || v instanceof Short
        || v instanceof Byte;
  }

  /**
   * Whether Kryo gives the record class {@code c} joblib4j's record serializer: it is the program's
   * own, and no annotation, interface or default before records in Kryo's list claims it.
   */
  private static boolean plainRecord(Class<?> c) {
    Module m = c.getModule();
    ClassLoader loader = c.getClassLoader();
    boolean jdk = m.isNamed() && (loader == null || loader == ClassLoader.getPlatformClassLoader());
    return !jdk
        && !KryoSerializable.class.isAssignableFrom(c)
        && !Collection.class.isAssignableFrom(c)
        && !Map.class.isAssignableFrom(c)
        && !c.isAnnotationPresent(DefaultSerializer.class);
  }

  /** Returns the indices of {@code components} sorted by name. */
  private static int[] byName(RecordComponent[] components) {
    int n = components.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = 1; i < n; i++) {
      int p = order[i];
      String name = components[p].getName();
      int j = i - 1;
      while (j >= 0 && components[order[j]].getName().compareTo(name) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = p;
    }
    return order;
  }

  private static int elementType(Class<?> component) {
    if (component == byte.class) {
      return Format.BYTE;
    } else if (component == short.class) {
      return Format.SHORT;
    } else if (component == char.class) {
      return Format.CHAR;
    } else if (component == int.class) {
      return Format.INT;
    } else if (component == long.class) {
      return Format.LONG;
    } else if (component == float.class) {
      return Format.FLOAT;
    } else if (component == double.class) {
      return Format.DOUBLE;
    }
    return Format.BOOLEAN;
  }
}
