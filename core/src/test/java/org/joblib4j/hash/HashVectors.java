package org.joblib4j.hash;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.joblib4j.Joblib;
import org.joblib4j.SerializableFunction;

/**
 * Fixed inputs whose hashes must never change; {@link #main} prints {@code name=hash} lines so a
 * second JVM can be compared with the first.
 */
public final class HashVectors {
  private HashVectors() {}

  /** A record hashed by its fields. */
  public record Point(int x, double y, String label) {}

  /** An enum hashed by name. */
  public enum Mode {
    FAST,
    SLOW
  }

  static Map<String, Object[]> inputs() {
    Map<String, Object[]> m = new LinkedHashMap<>();
    m.put("string", new Object[] {"This is a string to hash"});
    m.put("unicode", new Object[] {"C'est l\u00e9t\u00e9"});
    m.put("ints", new Object[] {List.of(123456, 54321, -98765)});
    Random r = new Random(42);
    List<Double> doubles = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      doubles.add(r.nextDouble());
    }
    m.put("doubles", new Object[] {doubles});
    Map<String, Object> dict = new TreeMap<>();
    dict.put("abcde", 123);
    dict.put("sadfas", List.of(-9999, 2, 3));
    m.put("map", new Object[] {dict});
    m.put("one", new Object[] {1});
    m.put("null", new Object[] {null});
    m.put("emptyList", new Object[] {List.of()});
    m.put("emptyMap", new Object[] {Map.of()});
    m.put("set", new Object[] {Set.of("a", "b", "c")});
    m.put("twoArgs", new Object[] {"a", 1L});
    double[] big = new double[100_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.25;
    }
    m.put("bigDoubles", new Object[] {big});
    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(70_000);
    for (int i = 0; i < direct.capacity(); i += 7) {
      direct.put(i, (byte) i);
    }
    m.put("directBuffer", new Object[] {direct});
    m.put("smallLongs", new Object[] {new long[] {1, 2, 3}});
    m.put("record", new Object[] {new Point(1, 2.5, "p")});
    m.put("enum", new Object[] {Mode.SLOW});
    m.put("bigDecimal", new Object[] {new BigDecimal("3.14159")});
    m.put("localDate", new Object[] {LocalDate.of(2024, 2, 29)});
    SerializableFunction<Double, Double> abs = Math::abs;
    m.put("methodRef", new Object[] {abs});
    return m;
  }

  /** Returns each input's name and hash, one {@code name=hash} per line. */
  static String compute() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object[]> e : inputs().entrySet()) {
      sb.append(e.getKey()).append('=').append(Joblib.hash(e.getValue())).append('\n');
    }
    return sb.toString();
  }

  /** Prints {@link #compute()}. */
  public static void main(String[] args) {
    System.out.print(compute());
  }
}
