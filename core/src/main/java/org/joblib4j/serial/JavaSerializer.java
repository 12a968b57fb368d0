package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Java serialization inside a Kryo stream, for the JDK classes that have no Kryo serializer and for
 * classes that customise their own serialization: the JDK serializes its classes without module
 * options. Classes resolve with the Kryo instance's class loader; a {@link JoblibKryo} that filters
 * classes sees every class the serialized form names. This class is immutable.
 */
final class JavaSerializer extends Serializer<Object> {
  /** The largest serialized form read back, against a length that lies. */
  private static final int MAX_BYTES = 1 << 30;

  @Override
  public void write(Kryo kryo, Output output, Object object) {
    byte[] bytes = bytes(object);
    output.writeVarInt(bytes.length, true);
    output.writeBytes(bytes);
  }

  /** Returns the Java serialization of {@code object}, refusing what it cannot hold. */
  static byte[] bytes(Object object) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(object);
    } catch (NotSerializableException e) {
      throw new Refusal.Refused(e.getMessage(), object.getClass(), e);
    } catch (IOException e) {
      throw new KryoException(
          "Java serialization of " + object.getClass().getName() + " failed: " + e, e);
    }
    return out.toByteArray();
  }

  @Override
  public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
    int n = input.readVarInt(true);
    if (n < 0 || n > MAX_BYTES) {
      throw new KryoException("A Java-serialized " + type.getName() + " claims " + n + " bytes");
    }
    return readBytes(kryo, input.readBytes(n), type);
  }

  /** Returns an object stream over {@code in} that resolves classes with {@code loader} first. */
  static ObjectInputStream stream(InputStream in, ClassLoader loader) throws IOException {
    return new ObjectInputStream(in) {
      @Override
      protected Class<?> resolveClass(ObjectStreamClass desc)
          throws IOException, ClassNotFoundException {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          return super.resolveClass(desc);
        }
      }
    };
  }

  /** Reads the Java serialization in {@code bytes}, with {@code kryo}'s loader and filter. */
  Object readBytes(Kryo kryo, byte[] bytes, Class<?> type) {
    ClassLoader loader = kryo.getClassLoader();
    JoblibKryo filtering = kryo instanceof JoblibKryo j && j.filtersClasses() ? j : null;
    try (ObjectInputStream ois = stream(new ByteArrayInputStream(bytes), loader)) {
      if (filtering != null) {
        ois.setObjectInputFilter(
            info -> {
              Class<?> c = info.serialClass();
              if (c != null) {
                filtering.checkClass(c);
              }
              return ObjectInputFilter.Status.UNDECIDED;
            });
      }
      return ois.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new KryoException("Could not read a Java-serialized " + type.getName() + ": " + e, e);
    }
  }
}
