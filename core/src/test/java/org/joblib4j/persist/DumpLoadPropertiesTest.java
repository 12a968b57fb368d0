package org.joblib4j.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.joblib4j.Joblib;

/** {@code load(dump(x))} equals {@code x} for random object graphs, with every codec. */
class DumpLoadPropertiesTest {
  record Item(String name, int count, double[] values) {}

  @Property(tries = 25)
  void dumpLoad_randomGraph_roundTripsWithEveryCodec(
      @ForAll("graphs") Object graph, @ForAll("levels") int level) {
    for (Compression.Codec codec : Compression.Codec.values()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Joblib.dump(graph, out, Compression.of(codec, level));
      Object back =
          Joblib.load(
              new ByteArrayInputStream(out.toByteArray()), Object.class, LoadOptions.defaults());
      assertThat(DeepEquals.deepEquals(back, graph))
          .as("graph loaded with %s equals the dumped one", codec)
          .isTrue();
      assertThat(Joblib.hash(back)).isEqualTo(Joblib.hash(graph));
    }
  }

  @Provide
  Arbitrary<Integer> levels() {
    return Arbitraries.integers().between(1, 9);
  }

  @Provide
  Arbitrary<Object> graphs() {
    return Arbitraries.recursive(this::leaf, this::container, 0, 3);
  }

  private Arbitrary<Object> container(Arbitrary<Object> inner) {
    return Arbitraries.oneOf(
        inner.list().ofMaxSize(5).map(l -> (Object) new ArrayList<>(l)),
        Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(6), inner)
            .ofMaxSize(4)
            .map(m -> (Object) new HashMap<>(m)),
        Arbitraries.integers().set().ofMaxSize(10).map(x -> (Object) new HashSet<>(x)));
  }

  private Arbitrary<Object> leaf() {
    return Arbitraries.oneOf(
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
        Arbitraries.just(null),
        doubles().map(a -> (Object) a),
        Arbitraries.integers().array(int[].class).ofMaxSize(9000).map(a -> (Object) a),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40_000).map(a -> (Object) a),
        Arbitraries.of(true, false).array(boolean[].class).ofMaxSize(20_000).map(a -> (Object) a),
        Arbitraries.chars().array(char[].class).ofMaxSize(9000).map(a -> (Object) a),
        Combinators.combine(Arbitraries.strings().ofMaxLength(8), Arbitraries.integers(), doubles())
            .as((n, c, v) -> (Object) new Item(n, c, v)));
  }

  private Arbitrary<double[]> doubles() {
    return Arbitraries.integers()
        .between(0, 5000)
        .flatMap(
            n ->
                Arbitraries.longs()
                    .map(
                        seed -> {
                          java.util.Random r = new java.util.Random(seed);
                          double[] a = new double[n];
                          for (int i = 0; i < n; i++) {
                            a[i] = r.nextGaussian();
                          }
                          return a;
                        }));
  }

  @Property(tries = 10)
  void dumpLoad_sharedArrays_keepIdentity(@ForAll Compression.Codec codec) {
    double[] shared = new double[10_000];
    List<Object> graph = new ArrayList<>(List.of(shared, shared, Map.of("again", shared)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Joblib.dump(graph, out, Compression.of(codec));
    List<?> back =
        Joblib.load(
            new ByteArrayInputStream(out.toByteArray()), List.class, LoadOptions.defaults());
    assertThat(back.get(1)).isSameAs(back.get(0));
    assertThat(((Map<?, ?>) back.get(2)).get("again")).isSameAs(back.get(0));
  }
}
