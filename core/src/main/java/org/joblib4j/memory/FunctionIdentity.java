package org.joblib4j.memory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.SerializedLambda;
import java.util.Optional;
import org.joblib4j.internal.Lambdas;
import org.jspecify.annotations.Nullable;

/**
 * Who a cached function is: its folder name, its implementing class and method (from the serialized
 * lambda), the values it captured, and a hash of its code.
 *
 * @param id the function's folder name
 * @param qualifiedName the implementing class and method, {@code org.example.MyMath.square}
 * @param shortName the method name, {@code square}
 * @param signature the implementing method's JVM descriptor; part of the argument hash
 * @param captured the values a lambda captured; part of the argument hash
 * @param code the content of {@code func_code.txt}: class, method and code hash
 */
record FunctionIdentity(
    String id,
    String qualifiedName,
    String shortName,
    String signature,
    @Nullable Object[] captured,
    String code) {

  /*
   * Design note: the code hash is the hash of the implementing class's bytes, read through the
   * class's own loader and computed once per loaded class (a ClassValue), so it costs nothing on
   * a cache hit. Any edit of that class changes it, even one outside the function: like joblib,
   * we prefer recomputing too often to serving a result of old code. Changes in other classes
   * the function calls are not detected, as in joblib.
   */
  private static final ClassValue<String> CODE_HASH =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          String name = type.getName();
          String file = name.substring(name.lastIndexOf('.') + 1) + ".class";
          try (InputStream in = type.getResourceAsStream(file)) {
            if (in == null) {
              return "no-class-file:" + name;
            }
            return ResultFiles.hash((Object) in.readAllBytes());
          } catch (IOException e) {
            return "unreadable-class-file:" + name;
          }
        }
      };

  /** Identifies {@code function}, named {@code name} when not null. */
  static FunctionIdentity of(Object function, @Nullable String name) {
    Optional<SerializedLambda> form = Lambdas.serializedForm(function);
    String implClass;
    String method;
    String signature;
    @Nullable Object[] captured;
    Class<?> codeClass;
    if (form.isPresent()) {
      SerializedLambda sl = form.get();
      implClass = sl.getImplClass().replace('/', '.');
      method = sl.getImplMethodName();
      signature = sl.getImplMethodSignature();
      captured = new Object[sl.getCapturedArgCount()];
      for (int i = 0; i < captured.length; i++) {
        captured[i] = sl.getCapturedArg(i);
      }
      codeClass = load(implClass, function.getClass().getClassLoader(), function.getClass());
    } else {
      // A named class implementing a Serializable* interface: its fields act as captured values.
      codeClass = function.getClass();
      implClass = codeClass.getName();
      method = "call";
      signature = "";
      captured = new Object[] {function};
    }
    String qualifiedName = implClass + "." + method;
    String id = sanitize(name != null ? name : qualifiedName);
    String code = codeLine(implClass, method, signature, CODE_HASH.get(codeClass));
    String shortName = name != null ? name : method;
    return new FunctionIdentity(id, qualifiedName, shortName, signature, captured, code);
  }

  private static Class<?> load(String name, @Nullable ClassLoader loader, Class<?> fallback) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return fallback;
    }
  }

  /** Replaces characters that are not safe in a folder name on every file system. */
  static String sanitize(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-'
              || c == '$';
      sb.append(safe ? c : '_');
    }
    String s = sb.toString();
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" + s : s;
  }

  /** Formats the content of {@code func_code.txt}. */
  private static String codeLine(String implClass, String method, String signature, String hash) {
    return "# joblib4j function code\nclass: "
        + implClass
        + "\nmethod: "
        + method
        + signature
        + "\ncode hash: "
        + hash
        + "\n";
  }
}
