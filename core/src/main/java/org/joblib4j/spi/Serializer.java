package org.joblib4j.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.ServiceLoader;
import org.joblib4j.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Turns values into bytes and back, for backends whose tasks run in other JVMs: task functions and
 * what they capture, arguments, results and failures. {@link #current()} is joblib4j's Kryo set-up
 * unless {@code -Djoblib4j.serializer=java} (or {@code JOBLIB4J_SERIALIZER=java}) asks for plain
 * Java serialization, as joblib's {@code LOKY_PICKLER} does.
 *
 * <p>Both keep one rule: whatever a task takes or returns on threads travels, on a JVM started with
 * no module options, or it is refused by {@link #write} with a {@link SerializationException} that
 * names the class, where it sits in the value ({@code arguments[1].model.weights}) and a fix. A
 * value that was written reads back equal; it is never accepted and then unreadable.
 *
 * <p>Implementations are found by {@link ServiceLoader}; core provides {@code kryo} and {@code
 * java}. Implementations are thread-safe.
 *
 * @since 0.1
 */
public interface Serializer {
  /** Returns this serializer's name, such as {@code kryo}; a worker selects it by this name. */
  String name();

  /**
   * Writes {@code value} to {@code out}. {@code root} names the value in a refusal's message, such
   * as {@code result} or {@code arguments[0]}; a {@code Task} is described by its own parts.
   *
   * @throws SerializationException if a part of the value cannot travel; nothing else is thrown for
   *     the value's content
   */
  void write(@Nullable Object value, String root, OutputStream out);

  /**
   * Reads a value written by {@link #write}, resolving classes with {@code loader}.
   *
   * @throws SerializationException if the bytes do not hold a value or a class is missing
   */
  @Nullable Object read(InputStream in, ClassLoader loader);

  /** Writes {@code value}, named {@code value} in messages. */
  default void write(@Nullable Object value, OutputStream out) {
    write(value, "value", out);
  }

  /** Returns {@code value} as bytes. */
  default byte[] toBytes(@Nullable Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    write(value, out);
    return out.toByteArray();
  }

  /** Returns the value in {@code bytes}, resolving classes with {@code loader}. */
  default @Nullable Object fromBytes(byte[] bytes, ClassLoader loader) {
    return read(new ByteArrayInputStream(bytes), loader);
  }

  /** Returns the value in {@code bytes}, resolving classes with the context class loader. */
  default @Nullable Object fromBytes(byte[] bytes) {
    return fromBytes(bytes, contextLoader());
  }

  /** Returns the serializer the system property or the environment selects; Kryo by default. */
  static Serializer current() {
    String name = System.getProperty("joblib4j.serializer");
    if (name == null || name.isBlank()) {
      name = System.getenv("JOBLIB4J_SERIALIZER");
    }
    return named(name == null || name.isBlank() ? "kryo" : name);
  }

  /**
   * Returns the serializer called {@code name}, such as {@code kryo} or {@code java}.
   *
   * @throws IllegalArgumentException naming the known serializers when there is none of that name
   */
  static Serializer named(String name) {
    Serializer s = Serializers.ALL.get(name.trim().toLowerCase(Locale.ROOT));
    if (s == null) {
      throw new IllegalArgumentException(
          "Unknown serializer \"" + name + "\": expected one of " + Serializers.ALL.keySet());
    }
    return s;
  }

  /** Returns the thread's context class loader, or joblib4j's own when there is none. */
  static ClassLoader contextLoader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : Serializer.class.getClassLoader();
  }
}
