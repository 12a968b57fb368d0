package org.joblib4j.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.joblib4j.Joblib;
import org.joblib4j.SerializableFunction;
import org.joblib4j.memory.Memory;

/**
 * The demo's backend-independent part: a cached {@code square} with {@code Memory}, a dump and a
 * load, each in a temporary folder removed afterwards.
 */
final class DemoStorage {
  private DemoStorage() {}

  /** A way to time and print one step. */
  interface Timer {
    void timed(String what, Demo.Step step) throws Exception;
  }

  static void run(PrintStream out, Timer timer) throws Exception {
    Path folder = Files.createTempDirectory("joblib4j-demo-");
    try {
      timer.timed("Memory: first call of a cached square (computed)", () -> square(folder));
      timer.timed("Memory: second call, same argument (read from disk)", () -> square(folder));
      timer.timed("dump and load a record with a 1M double[] (.jl.z)", () -> dumpLoad(folder));
      timer.timed("Joblib.hash of a 1M double[], twice", DemoStorage::hashes);
    } finally {
      try (Stream<Path> files = Files.walk(folder)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        out.println("could not remove " + folder + ": " + e.getMessage());
      }
    }
  }

  /** The function joblib's Memory example caches. */
  static double[] squareOf(double[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] * a[i];
    }
    return out;
  }

  /** joblib: {@code memory.cache(square)(a)}; the cache's lines show whether it computed. */
  static String square(Path folder) {
    SerializableFunction<double[], double[]> square =
        new Memory(folder.resolve("cache")).cache(DemoStorage::squareOf);
    double[] a = {1, 2, 3, 4, 5};
    return Arrays.toString(square.apply(a));
  }

  /** A model to persist. */
  record Model(String name, double[] weights, Map<String, Integer> vocabulary) {}

  /** joblib: {@code dump(model, "model.jl.z")} then {@code load}; returns what came back. */
  static String dumpLoad(Path folder) throws IOException {
    double[] w = new double[1_000_000];
    for (int i = 0; i < w.length; i++) {
      w[i] = i % 100;
    }
    Path file = folder.resolve("model.jl.z");
    Joblib.dump(new Model("demo", w, Map.of("a", 0, "b", 1)), file);
    Model back = Joblib.load(file, Model.class);
    return String.format(java.util.Locale.ROOT,
        "%s, %,d weights (last %.0f), vocabulary %s; file %,d bytes for %,d bytes of weights",
        back.name(), back.weights().length, back.weights()[w.length - 1],
        new java.util.TreeMap<>(back.vocabulary()), Files.size(file), 8L * w.length);
  }

  /** joblib: {@code hash(a)}: equal content, equal hash. */
  static List<String> hashes() {
    double[] a = new double[1_000_000];
    return List.of(Joblib.hash(a), Joblib.hash(a.clone()));
  }
}
