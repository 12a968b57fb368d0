package org.joblib4j.internal;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

/** Reads the serialized form of serializable lambdas and method references. */
public final class Lambdas {
  private static final ClassValue<Optional<Method>> WRITE_REPLACE =
      new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
          if (!type.isSynthetic() && !type.isHidden()) {
            return Optional.empty();
          }
          try {
            Method m = type.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            return Optional.of(m);
          } catch (NoSuchMethodException | RuntimeException e) {
            return Optional.empty();
          }
        }
      };

  private Lambdas() {}

  /**
   * Returns the {@link SerializedLambda} of {@code function} when it is a serializable lambda or
   * method reference: its implementing class and method, and its captured values.
   */
  public static Optional<SerializedLambda> serializedForm(Object function) {
    Optional<Method> m = WRITE_REPLACE.get(function.getClass());
    if (m.isEmpty()) {
      return Optional.empty();
    }
    try {
      Object form = m.get().invoke(function);
      return form instanceof SerializedLambda sl ? Optional.of(sl) : Optional.empty();
    } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns a readable name for a function: {@code Math.sqrt} for a method reference, {@code
   * Demo.lambda$main$0} for a lambda, the class's simple name otherwise.
   */
  public static String name(Object function) {
    Optional<SerializedLambda> form = serializedForm(function);
    if (form.isPresent()) {
      SerializedLambda sl = form.get();
      String cls = sl.getImplClass().replace('/', '.');
      String simple = cls.substring(cls.lastIndexOf('.') + 1);
      return simple + "." + sl.getImplMethodName();
    }
    Class<?> c = function.getClass();
    return c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName();
  }
}
