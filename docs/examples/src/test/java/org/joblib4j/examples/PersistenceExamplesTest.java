package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.joblib4j.Joblib;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceExamplesTest {
  @TempDir Path dir;

  @Test
  void dumpAndLoad_givesAnEqualModelBack() {
    PersistenceExamples.Model m = PersistenceExamples.dumpAndLoad(dir);
    assertThat(m.name()).isEqualTo("m1");
    assertThat(m.weights()).hasSize(1_000_000);
    assertThat(m.vocabulary()).isEqualTo(Map.of("a", 0, "b", 1));
  }

  @Test
  void codecs_compressedFilesAreSmallerThanRaw() throws Exception {
    List<Long> sizes = PersistenceExamples.codecs(dir);
    long raw = sizes.get(0);
    assertThat(raw).isGreaterThan(8_000_000L);
    assertThat(sizes.subList(1, sizes.size())).allSatisfy(s -> assertThat(s).isLessThan(raw / 10));
  }

  @Test
  void mmap_readsTheValueThroughTheMapping() {
    assertThat(PersistenceExamples.mmap(dir)).isEqualTo(42.0);
  }

  @Test
  void classFilter_refusesAClassOutsideTheList() {
    assertThat(PersistenceExamples.classFilter(dir)).contains("Model");
  }

  @Test
  void corrupt_flippedBitIsDetected() throws Exception {
    assertThat(PersistenceExamples.corrupt(dir)).hasMessageContaining("data.jl");
  }

  @Test
  void hashes_equalContentGivesEqualHash() {
    List<String> h = PersistenceExamples.hashes();
    assertThat(h.get(0)).hasSize(32).isEqualTo(h.get(1));
    assertThat(h.get(2)).isEqualTo(Joblib.hash(java.util.Set.of(3, 2, 1)));
  }
}
