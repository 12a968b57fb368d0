package org.joblib4j.serial;

import com.esotericsoftware.kryo.kryo5.KryoException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.joblib4j.SerializationException;
import org.joblib4j.Task;
import org.joblib4j.internal.Lambdas;
import org.joblib4j.spi.TaskBatch;
import org.jspecify.annotations.Nullable;

/**
 * Explains why a value cannot be written: which object is refused, where it sits in the value
 * ({@code arguments[1].model.weights}), why, and what to do instead. This class is immutable.
 *
 * <pre>
 * Design note. Kryo knows which class it refused, not where the object sits, and a Java-serialized
 * part knows only the name of the class it could not write. Serializers stay on the fast path and
 * carry no path; when a write fails, the value is walked again, from the root, by the same policy
 * (ValuePolicy), and the first object the policy refuses names the place. The walk follows what
 * Kryo writes: fields of the program's classes, elements and entries of JDK collections, captured
 * values of lambdas, the function and arguments of a task. It is bounded in objects and uses its
 * own stack, so a deep or huge value cannot make the explanation fail.
 * </pre>
 */
final class Refusal {
  private static final int MAX_OBJECTS = 1_000_000;

  private Refusal() {}

  /** The message of a write or read that overflowed the stack. */
  static String overflow(String what) {
    return what
        + " overflowed the stack, as a value nested too deeply (such as a long linked chain of"
        + " objects) does. Pass a flatter structure (an array or a list of the elements), or raise"
        + " the thread stack size (-Xss; spark.executor.extraJavaOptions on Spark).";
  }

  /** Returns the refusal of a write of {@code value} that overflowed the stack. */
  static SerializationException overflowed(
      @Nullable Object value, String root, StackOverflowError e) {
    return new SerializationException(
        "Cannot serialize " + className(value) + " at " + root + ": writing it" + overflow(""), e);
  }

  /** Thrown inside Kryo when the policy refuses a class or a Java-serialized part fails. */
  static final class Refused extends KryoException {
    private static final long serialVersionUID = 1L;

    /** The class Java serialization named as not serializable, or null. */
    final @Nullable String notSerializable;

    final transient Class<?> type;

    Refused(@Nullable String notSerializable, Class<?> type, @Nullable Throwable cause) {
      super(
          notSerializable != null
              ? notSerializable + " is not serializable (inside a " + type.getName() + ")"
              : type.getName() + " cannot be serialized",
          cause);
      this.notSerializable = notSerializable;
      this.type = type;
    }
  }

  /**
   * Returns the exception for a write of {@code root} that failed with {@code failure}: a refusal's
   * message names the refused class, its place and a fix; any other failure is wrapped with the
   * class of the value.
   *
   * @param rootName the name of the value in messages, such as {@code root} or {@code result}
   * @param javaOnly whether everything travels by Java serialization ({@code
   *     -Djoblib4j.serializer=java})
   */
  static SerializationException explain(
      @Nullable Object root, String rootName, Throwable failure, boolean javaOnly) {
    if (failure instanceof SerializationException se) {
      return se;
    }
    Refused refused = find(failure);
    if (refused == null && !javaOnly) {
      return new SerializationException(
          "Could not serialize "
              + className(root)
              + " at "
              + rootName
              + ": "
              + failure.getMessage(),
          failure);
    }
    String found = walk(root, rootName, javaOnly);
    if (found == null) {
      String what = refused != null ? refused.getMessage() : String.valueOf(failure.getMessage());
      found =
          "Cannot serialize "
              + (refused != null ? refused.type.getName() : className(root))
              + " at "
              + rootName
              + ": "
              + what;
    }
    return new SerializationException(found, failure);
  }

  private static @Nullable Refused find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Refused r) {
        return r;
      }
    }
    return null;
  }

  private static String className(@Nullable Object o) {
    return o == null ? "null" : o.getClass().getName();
  }

  /** One object still to look at, with where it is and the Java-serialized object holding it. */
  private record Node(
      @Nullable Object value, String path, @Nullable Object javaHolder, String holderPath) {}

  /**
   * Returns the message for the first object under {@code root} that cannot travel, or null if
   * there is none the policy knows of.
   */
  static @Nullable String walk(@Nullable Object root, String rootName, boolean javaOnly) {
    if (root instanceof TaskBatch batch) {
      for (int i = 0; i < batch.size(); i++) {
        Task<?> task = batch.tasks().get(i);
        String found = walk(task, rootName, javaOnly);
        if (found != null) {
          return "Task " + (batch.firstIndex() + i) + " (" + task.describe() + "): " + found;
        }
      }
      return null;
    }
    ArrayDeque<Node> stack = new ArrayDeque<>();
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    // A task names its parts itself: "arguments[1].model", "function.captured[0]".
    String start = root instanceof Task<?> ? "" : rootName;
    stack.push(new Node(root, start, javaOnly ? root : null, start));
    int visited = 0;
    while (!stack.isEmpty() && visited++ < MAX_OBJECTS) {
      Node node = stack.pop();
      Object v = node.value();
      if (v == null || seen.put(v, Boolean.TRUE) != null) {
        continue;
      }
      String problem = problem(v, node, javaOnly);
      if (problem != null) {
        return problem;
      }
      ValuePolicy.Verdict verdict = ValuePolicy.verdict(v.getClass());
      Object holder = node.javaHolder();
      String holderPath = node.holderPath();
      if (holder == null && verdict.kind() == ValuePolicy.Kind.JAVA && !isLambda(v.getClass())) {
        holder = v;
        holderPath = node.path();
      }
      List<Node> children = new java.util.ArrayList<>();
      children(v, node.path(), holder, holderPath, children);
      for (int i = children.size() - 1; i >= 0; i--) {
        stack.push(children.get(i));
      }
    }
    return null;
  }

  private static @Nullable String problem(Object v, Node node, boolean javaOnly) {
    Class<?> c = v.getClass();
    String at = "Cannot serialize " + c.getName() + " at " + node.path() + ": ";
    if (isLambda(c) && Lambdas.serializedForm(v).isEmpty()) {
      Class<?>[] ifaces = c.getInterfaces();
      String iface = ifaces.length > 0 ? ifaces[0].getName() : "a functional interface";
      return at
          + "it is a lambda or method reference of "
          + iface
          + ", which is not serializable. Declare it with one of the org.joblib4j.Serializable*"
          + " interfaces (such as SerializableFunction) or another functional interface that"
          + " extends java.io.Serializable.";
    }
    Object holder = node.javaHolder();
    if (holder != null && !(v instanceof Serializable) && !c.isArray() && !isLambda(c)) {
      boolean jdk = ValuePolicy.isJdk(c);
      String fix;
      if (!jdk) {
        fix = "Make " + c.getName() + " implement java.io.Serializable";
      } else {
        ValuePolicy.Verdict refusedJdk = ValuePolicy.verdict(c);
        fix =
            refusedJdk.kind() == ValuePolicy.Kind.REFUSED
                ? refusedJdk.fix()
                : "Pass the data it holds instead";
      }
      String how =
          javaOnly
              ? "-Djoblib4j.serializer=java sends every value by Java serialization, and it is"
                  + " not java.io.Serializable"
              : "it is held by "
                  + holder.getClass().getName()
                  + " at "
                  + node.holderPath()
                  + ", which travels by Java serialization, and it is not java.io.Serializable";
      String also =
          javaOnly
              ? ", or use the default serializer"
              : ValuePolicy.isJdk(holder.getClass())
                      && ValuePolicy.copyTarget(holder.getClass()) != null
                  ? ", or copy the "
                      + holder.getClass().getSimpleName()
                      + " into a "
                      + ValuePolicy.copyTarget(holder.getClass())
                  : "";
      return at + how + ". " + fix + also + ".";
    }
    ValuePolicy.Verdict verdict = ValuePolicy.verdict(c);
    if (verdict.kind() == ValuePolicy.Kind.REFUSED) {
      return at + verdict.reason() + ". " + verdict.fix() + ".";
    }
    return null;
  }

  private static boolean isLambda(Class<?> c) {
    return c.isSynthetic() && c.getName().indexOf('/') >= 0;
  }

  private static void children(
      Object v, String path, @Nullable Object holder, String holderPath, List<Node> out) {
    Class<?> c = v.getClass();
    if (c.isArray()) {
      if (!c.getComponentType().isPrimitive()) {
        Object[] a = (Object[]) v;
        for (int i = 0; i < a.length; i++) {
          out.add(new Node(a[i], path + "[" + i + "]", holder, holderPath));
        }
      }
      return;
    }
    if (v instanceof Task<?> t) {
      String prefix = path.isEmpty() ? "" : path + ".";
      out.add(new Node(t.function(), prefix + "function", holder, holderPath));
      List<@Nullable Object> args = t.arguments();
      for (int i = 0; i < args.size(); i++) {
        out.add(new Node(args.get(i), prefix + "arguments[" + i + "]", holder, holderPath));
      }
      return;
    }
    if (isLambda(c)) {
      Optional<SerializedLambda> form = Lambdas.serializedForm(v);
      if (form.isPresent()) {
        SerializedLambda sl = form.get();
        for (int i = 0; i < sl.getCapturedArgCount(); i++) {
          out.add(
              new Node(sl.getCapturedArg(i), path + ".captured[" + i + "]", holder, holderPath));
        }
      }
      return;
    }
    if (ValuePolicy.isJdk(c)) {
      if (v instanceof Map<?, ?> m) {
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          out.add(new Node(e.getKey(), path + ".keys[" + i + "]", holder, holderPath));
          out.add(new Node(e.getValue(), path + "[" + key(e.getKey()) + "]", holder, holderPath));
          i++;
        }
      } else if (v instanceof Collection<?> col) {
        int i = 0;
        for (Object o : col) {
          out.add(new Node(o, path + "[" + i++ + "]", holder, holderPath));
        }
      } else if (v instanceof Map.Entry<?, ?> e) {
        out.add(new Node(e.getKey(), path + ".key", holder, holderPath));
        out.add(new Node(e.getValue(), path + ".value", holder, holderPath));
      } else if (v instanceof Optional<?> o) {
        out.add(new Node(o.orElse(null), path + ".get()", holder, holderPath));
      } else if (v instanceof AtomicReference<?> r) {
        out.add(new Node(r.get(), path + ".get()", holder, holderPath));
      }
      return;
    }
    for (Class<?> k = c; k != null && !ValuePolicy.isJdk(k); k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.getType().isPrimitive()) {
          continue;
        }
        try {
          f.setAccessible(true);
          out.add(new Node(f.get(v), path + "." + f.getName(), holder, holderPath));
        } catch (ReflectiveOperationException | RuntimeException e) {
          // A field the walk cannot read is not where Kryo failed either.
        }
      }
    }
  }

  private static String key(@Nullable Object k) {
    if (k instanceof String s) {
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (k instanceof Number
        || k instanceof Enum<?>
        || k instanceof Boolean
        || k instanceof Character) {
      return String.valueOf(k);
    }
    return k == null ? "null" : "key of " + k.getClass().getSimpleName();
  }
}
