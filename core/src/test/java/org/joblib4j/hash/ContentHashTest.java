package org.joblib4j.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.joblib4j.Joblib;
import org.joblib4j.SerializableFunction;
import org.junit.jupiter.api.Test;

class ContentHashTest {
  record Pair(String a, int b) {}

  static final class Node {
    String name;
    List<Node> children = new ArrayList<>();
    Node parent;

    Node(String name) {
      this.name = name;
    }
  }

  enum Color {
    RED,
    GREEN
  }

  @Test
  void hash_returns32LowercaseHexDigits() {
    assertThat(Joblib.hash("x")).matches("[0-9a-f]{32}");
  }

  @Test
  void hash_hashMapsBuiltInDifferentOrders_areEqual() {
    Map<String, Object> a = new HashMap<>();
    Map<String, Object> b = new LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      a.put("k" + i, List.of(i, "v" + i));
    }
    for (int i = 999; i >= 0; i--) {
      b.put("k" + i, List.of(i, "v" + i));
    }
    assertThat(Joblib.hash(a)).isEqualTo(Joblib.hash(b)).isEqualTo(Joblib.hash(new TreeMap<>(a)));
    b.put("k0", List.of(0, "changed"));
    assertThat(Joblib.hash(a)).isNotEqualTo(Joblib.hash(b));
  }

  @Test
  void hash_setsInDifferentOrders_areEqual() {
    Set<Integer> a = new HashSet<>(List.of(1, 2, 3, 400, 5000));
    Set<Integer> b = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
    b.addAll(a);
    assertThat(Joblib.hash(a)).isEqualTo(Joblib.hash(b));
  }

  @Test
  void hash_listsAreOrdered_andTypesAreTagged() {
    assertThat(Joblib.hash(List.of(1, 2))).isNotEqualTo(Joblib.hash(List.of(2, 1)));
    assertThat(Joblib.hash(1)).isNotEqualTo(Joblib.hash(1L));
    assertThat(Joblib.hash("1")).isNotEqualTo(Joblib.hash(1));
    assertThat(Joblib.hash(List.of(1, 2))).isEqualTo(Joblib.hash(new ArrayList<>(List.of(1, 2))));
  }

  @Test
  void hash_largeArrays_dependOnEveryElement() {
    double[] a = new double[1 << 20];
    double[] b = a.clone();
    assertThat(Joblib.hash(a)).isEqualTo(Joblib.hash(b));
    b[b.length - 1] = 1e-300;
    assertThat(Joblib.hash(a)).isNotEqualTo(Joblib.hash(b));
    assertThat(Joblib.hash(new int[] {1, 2})).isNotEqualTo(Joblib.hash(new long[] {1, 2}));
  }

  @Test
  void hash_recordsAndEnums_byContent() {
    assertThat(Joblib.hash(new Pair("a", 1))).isEqualTo(Joblib.hash(new Pair("a", 1)));
    assertThat(Joblib.hash(new Pair("a", 1))).isNotEqualTo(Joblib.hash(new Pair("a", 2)));
    assertThat(Joblib.hash(Color.RED)).isNotEqualTo(Joblib.hash(Color.GREEN));
  }

  @Test
  void hash_cyclicGraph_terminatesAndIsStable() {
    Node root = new Node("root");
    Node child = new Node("child");
    child.parent = root;
    root.children.add(child);
    root.parent = root;
    Node root2 = new Node("root");
    Node child2 = new Node("child");
    child2.parent = root2;
    root2.children.add(child2);
    root2.parent = root2;
    assertThat(Joblib.hash(root)).isEqualTo(Joblib.hash(root2));
    child2.name = "other";
    assertThat(Joblib.hash(root)).isNotEqualTo(Joblib.hash(root2));
  }

  @Test
  void hash_serializableLambdas_byImplementationAndCapturedValues() {
    SerializableFunction<Integer, Integer> plus1 = plus(1);
    assertThat(Joblib.hash(plus1)).isEqualTo(Joblib.hash(plus(1)));
    assertThat(Joblib.hash(plus1)).isNotEqualTo(Joblib.hash(plus(2)));
  }

  private static SerializableFunction<Integer, Integer> plus(int k) {
    return x -> x + k;
  }

  @Test
  void hash_thread_throwsNamingTheClass() {
    assertThatThrownBy(() -> Joblib.hash("ok", Map.of("t", new Thread())))
        .isInstanceOf(UnhashableException.class)
        .hasMessageContaining("java.lang.Thread")
        .hasMessageContaining("args[1]");
  }

  @Test
  void hash_nonSerializableLambda_throwsNamingTheClass() {
    Function<Integer, Integer> f = x -> x + 1;
    assertThatThrownBy(() -> Joblib.hash(f))
        .isInstanceOf(UnhashableException.class)
        .hasMessageContaining("not serializable");
  }

  @Test
  void hash_directAndHeapBuffersWithEqualContents_areEqual() {
    java.nio.ByteBuffer heap = java.nio.ByteBuffer.allocate(100_000);
    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(100_000);
    heap.put(99_999, (byte) 3);
    direct.put(99_999, (byte) 3);
    assertThat(Joblib.hash(direct)).isEqualTo(Joblib.hash(heap));
    direct.put(5, (byte) 1);
    assertThat(Joblib.hash(direct)).isNotEqualTo(Joblib.hash(heap));
    java.nio.DoubleBuffer view = direct.asDoubleBuffer();
    assertThat(Joblib.hash(view)).isEqualTo(Joblib.hash(view.duplicate()));
  }
}
