package org.joblib4j.internal;

import java.lang.reflect.Array;
import org.jspecify.annotations.Nullable;

/** Short, bounded descriptions of calls for errors and logs. */
public final class Describe {
  private static final int MAX_ARGUMENT_CHARS = 40;
  private static final int MAX_ARRAY_ITEMS = 4;

  private Describe() {}

  /** Returns {@code f(a, b)} with each argument shortened. */
  public static String call(Object function, @Nullable Object[] arguments) {
    StringBuilder sb = new StringBuilder(Lambdas.name(function)).append('(');
    for (int i = 0; i < arguments.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(argument(arguments[i]));
    }
    return sb.append(')').toString();
  }

  /** Returns a description of {@code value} of at most about 40 characters. */
  public static String argument(@Nullable Object value) {
    String s;
    try {
      if (value == null) {
        s = "null";
      } else if (value.getClass().isArray()) {
        s = array(value);
      } else if (value instanceof CharSequence cs) {
        s = '"' + shorten(cs.toString(), MAX_ARGUMENT_CHARS - 2) + '"';
      } else {
        s = String.valueOf(value);
      }
    } catch (RuntimeException e) {
      s = value.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(value));
    }
    return shorten(s, MAX_ARGUMENT_CHARS);
  }

  private static String array(Object array) {
    int n = Array.getLength(array);
    StringBuilder sb =
        new StringBuilder(array.getClass().getComponentType().getSimpleName())
            .append('[')
            .append(n)
            .append("]{");
    for (int i = 0; i < Math.min(n, MAX_ARRAY_ITEMS); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object item = Array.get(array, i);
      sb.append(item != null && item.getClass().isArray() ? "[...]" : String.valueOf(item));
    }
    if (n > MAX_ARRAY_ITEMS) {
      sb.append(", ...");
    }
    return sb.append('}').toString();
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
