package org.joblib4j.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.joblib4j.SerializableFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Editing a cached function's class: two versions of one class compiled and loaded here. */
class CodeChangeTest {
  @TempDir Path dir;

  private static final String SOURCE =
      "package edited;\n"
          + "public class Versioned {\n"
          + "  public static int calls;\n"
          + "  public static int compute(Integer x) { calls++; return x * FACTOR; }\n"
          + "  public static org.joblib4j.SerializableFunction<Integer, Integer> function() {\n"
          + "    return Versioned::compute;\n"
          + "  }\n"
          + "}\n";

  @Test
  void cache_classOfFunctionEdited_oldResultsClearedWithWarning() throws Exception {
    ClassLoader v1 = compile("v1", SOURCE.replace("FACTOR", "10"));
    ClassLoader v2 = compile("v2", SOURCE.replace("FACTOR", "20"));
    Memory memory = new Memory(dir.resolve("cache")).verbose(0);

    SerializableFunction<Integer, Integer> first = memory.cache(function(v1));
    assertThat(first.apply(3)).isEqualTo(30);
    assertThat(first.apply(3)).isEqualTo(30);
    assertThat(calls(v1)).isEqualTo(1);

    String warnings;
    SerializableFunction<Integer, Integer> second =
        new Memory(dir.resolve("cache")).verbose(0).cache(function(v2));
    try (Stderr err = new Stderr()) {
      assertThat(second.apply(3)).isEqualTo(60);
      warnings = err.text();
    }
    assertThat(calls(v2)).isEqualTo(1);
    assertThat(warnings)
        .contains("Function compute (identified by edited.Versioned.compute) has changed");
    assertThat(second.apply(3)).isEqualTo(60);
    assertThat(calls(v2)).isEqualTo(1);
    // The first version, called again, finds the second version's result invalid too.
    try (Stderr err = new Stderr()) {
      assertThat(first.apply(3)).isEqualTo(30);
      assertThat(err.text()).contains("has changed");
    }
    assertThat(calls(v1)).isEqualTo(2);
  }

  @Test
  void cache_classUnchanged_sameCodeHashAcrossLoaders() throws Exception {
    String source = SOURCE.replace("FACTOR", "10");
    Memory memory = new Memory(dir.resolve("cache")).verbose(0);
    ClassLoader a = compile("a", source);
    ClassLoader b = compile("b", source);

    assertThat(memory.cache(function(a)).apply(4)).isEqualTo(40);
    try (Stderr err = new Stderr()) {
      assertThat(memory.cache(function(b)).apply(4)).isEqualTo(40);
      assertThat(err.text()).doesNotContain("has changed");
    }
    assertThat(calls(b)).isZero();
  }

  private ClassLoader compile(String name, String source) throws IOException {
    Path src = dir.resolve(name + "-src/edited/Versioned.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Path out = Files.createDirectories(dir.resolve(name + "-classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath =
        Path.of(
                SerializableFunction.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .getPath())
            .toString();
    int rc =
        javac.run(
            null, null, null, "-d", out.toString(), "-cp", classpath, "-g:none", src.toString());
    assertThat(rc).as("javac exit code").isZero();
    return new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
  }

  @SuppressWarnings("unchecked")
  private static SerializableFunction<Integer, Integer> function(ClassLoader loader)
      throws ReflectiveOperationException {
    return (SerializableFunction<Integer, Integer>)
        loader.loadClass("edited.Versioned").getMethod("function").invoke(null);
  }

  private static int calls(ClassLoader loader) throws ReflectiveOperationException {
    return loader.loadClass("edited.Versioned").getField("calls").getInt(null);
  }
}
