package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class MemoryExamplesTest {
  @TempDir Path dir;

  @Test
  void cache_secondCallIsReadBackNotRecomputed() {
    int before = MemoryExamples.CALLS.get();
    List<double[]> r = MemoryExamples.cache(dir);
    assertThat(r.get(0)).containsExactly(1, 4, 9);
    assertThat(r.get(1)).containsExactly(1, 4, 9);
    assertThat(MemoryExamples.CALLS.get() - before).isEqualTo(1);
  }

  @Test
  void memorize_shelvedResultAndCacheQueries() {
    List<Object> r = MemoryExamples.memorize(dir);
    assertThat((double[]) r.get(0)).containsExactly(16, 25);
    assertThat(r.get(1)).isEqualTo(true);
    assertThat(r.get(2)).isEqualTo(false);
  }

  @Test
  void options_ignoredArgumentDoesNotChangeTheKey() {
    int before = MemoryExamples.CALLS.get();
    assertThat(MemoryExamples.options(dir)).containsExactly(42.0, 42.0);
    assertThat(MemoryExamples.CALLS.get() - before).isEqualTo(1);
  }

  @Test
  void reduceSize_clearLeavesNoResults() throws Exception {
    assertThat(MemoryExamples.reduceSize(dir)).containsExactly(1L, 0L);
  }

  @Test
  void inParallel_tasksShareTheCache() {
    List<double[]> r = MemoryExamples.inParallel(dir);
    assertThat(r).hasSize(4);
    assertThat(r.get(3)).containsExactly(9);
  }

  @Test
  void disabled_callsTheFunction() {
    assertThat(MemoryExamples.disabled()).containsExactly(9);
  }
}
