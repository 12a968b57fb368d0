package org.joblib4j.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import org.joblib4j.SerializationException;
import org.joblib4j.spi.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * The {@code java} serializer: plain Java serialization, with classes resolved by a given class
 * loader. Not an API: public for {@link java.util.ServiceLoader}; use {@link Serializer#named}.
 * This class is thread-safe.
 */
public final class JavaSerialization implements Serializer {
  /** Creates the serializer; {@link java.util.ServiceLoader} calls this. */
  public JavaSerialization() {}

  @Override
  public String name() {
    return "java";
  }

  @Override
  public void write(@Nullable Object value, String root, OutputStream out) {
    try {
      ObjectOutputStream oos = new ObjectOutputStream(out);
      oos.writeObject(value);
      oos.flush();
    } catch (IOException | RuntimeException e) {
      throw Refusal.explain(value, root, e, true);
    } catch (StackOverflowError e) {
      throw Refusal.overflowed(value, root, e);
    }
  }

  @Override
  public @Nullable Object read(InputStream in, ClassLoader loader) {
    try {
      ObjectInputStream ois = JavaSerializer.stream(in, loader);
      return ois.readObject();
    } catch (StackOverflowError e) {
      throw new SerializationException(
          "Could not read a value: reading it" + Refusal.overflow(""), e);
    } catch (IOException | ClassNotFoundException e) {
      throw new SerializationException(
          "Could not read a value with Java serialization: "
              + e
              + ". Check that the reading JVM has the same classes on its class path.",
          e);
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
