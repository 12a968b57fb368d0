package org.joblib4j.serial;

import org.joblib4j.SerializationException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Turns objects into bytes and back, for tasks and results sent to other JVMs and for persisted
 * object graphs. {@link #get()} is Kryo 5 unless {@code -Djoblib4j.serializer=java} (or {@code
 * JOBLIB4J_SERIALIZER=java}) asks for plain Java serialization, as joblib's {@code LOKY_PICKLER}
 * does. Lambdas and method references serialize when their target type is one of the {@code
 * org.joblib4j.Serializable*} interfaces. This class is thread-safe.
 */
public abstract class Serializer {
  private static final Serializer KRYO = new KryoSerialization();
  private static final Serializer JAVA = new JavaSerialization();

  Serializer() {}

  /** Returns the serializer the system property or environment selects; Kryo by default. */
  public static Serializer get() {
    String name = System.getProperty("joblib4j.serializer");
    if (name == null || name.isBlank()) {
      name = System.getenv("JOBLIB4J_SERIALIZER");
    }
    if (name == null || name.isBlank()) {
      return KRYO;
    }
    return byName(name);
  }

  /** Returns the serializer called {@code name}: {@code kryo} or {@code java}. */
  public static Serializer byName(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "kryo":
        return KRYO;
      case "java":
        return JAVA;
      default:
        throw new IllegalArgumentException(
            "Unknown serializer \"" + name + "\": expected one of [kryo, java]");
    }
  }

  /** Returns this serializer's name: {@code kryo} or {@code java}. */
  public abstract String name();

  /**
   * Writes {@code value} to {@code out}.
   *
   * @throws SerializationException naming the class (and field) that cannot be serialized
   */
  public abstract void write(@Nullable Object value, OutputStream out);

  /**
   * Reads a value written by {@link #write} from {@code in}, resolving classes with {@code
   * loader}.
   *
   * @throws SerializationException if the bytes do not hold a value or a class is missing
   */
  public abstract @Nullable Object read(InputStream in, ClassLoader loader);

  /** Returns {@code value} as bytes. */
  public byte[] toBytes(@Nullable Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    write(value, out);
    return out.toByteArray();
  }

  /** Returns the value in {@code bytes}, resolving classes with the context class loader. */
  public @Nullable Object fromBytes(byte[] bytes) {
    return fromBytes(bytes, contextLoader());
  }

  /** Returns the value in {@code bytes}, resolving classes with {@code loader}. */
  public @Nullable Object fromBytes(byte[] bytes, ClassLoader loader) {
    return read(new java.io.ByteArrayInputStream(bytes), loader);
  }

  /** Returns the thread's context class loader, or this library's own when there is none. */
  public static ClassLoader contextLoader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : Serializer.class.getClassLoader();
  }

  @Override
  public String toString() {
    return name();
  }
}
