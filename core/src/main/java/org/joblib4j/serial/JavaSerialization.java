package org.joblib4j.serial;

import org.joblib4j.SerializationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.Optional;
import org.joblib4j.internal.Lambdas;
import org.jspecify.annotations.Nullable;

/** Plain Java serialization, with classes resolved by a given class loader. */
final class JavaSerialization extends Serializer {
  @Override
  public String name() {
    return "java";
  }

  @Override
  public void write(@Nullable Object value, OutputStream out) {
    try {
      ObjectOutputStream oos = new ObjectOutputStream(out);
      oos.writeObject(value);
      oos.flush();
    } catch (NotSerializableException e) {
      throw new SerializationException(
          "Could not serialize "
              + (value == null ? "null" : value.getClass().getName())
              + (value == null ? "" : captured(value, e.getMessage()))
              + ": "
              + e.getMessage()
              + " is not serializable. Make that class implement java.io.Serializable, mark the"
              + " field transient, or create the value inside the task instead of capturing it.",
          e);
    } catch (IOException e) {
      throw new SerializationException("Could not serialize: " + e, e);
    }
  }

  /** Names the captured value of a lambda whose class is {@code className}, when there is one. */
  private static String captured(Object root, @Nullable String className) {
    if (className == null) {
      return "";
    }
    Optional<SerializedLambda> form = Lambdas.serializedForm(root);
    if (form.isEmpty()) {
      return "";
    }
    SerializedLambda sl = form.get();
    for (int i = 0; i < sl.getCapturedArgCount(); i++) {
      Object arg = sl.getCapturedArg(i);
      if (arg != null && arg.getClass().getName().equals(className)) {
        return " (captured value arg$" + (i + 1) + " of type " + className + " in "
            + Lambdas.name(root) + ")";
      }
    }
    return "";
  }

  @Override
  public @Nullable Object read(InputStream in, ClassLoader loader) {
    try {
      ObjectInputStream ois =
          new ObjectInputStream(in) {
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
      return ois.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new SerializationException(
          "Could not read a value with Java serialization: "
              + e
              + ". Check that the reading JVM has the same classes on its class path.",
          e);
    }
  }
}
