package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class DemoTest {
  @Test
  void sqrt_threading_returnsRootsInOrder() {
    assertThat(Demo.sqrt("threading"))
        .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
  }

  @Test
  void generator_threading_yieldsFirstThenRest() {
    assertThat(Demo.generator("threading"))
        .containsExactly(0.0, List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0));
  }

  @Test
  void sharedMem_threading_everyTaskAddsToTheCallersSet() {
    assertThat(Demo.sharedMem("threading")).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void accumulate_threading_matchesJoblibsResult() {
    List<Object> result = Demo.accumulate("threading");
    assertThat((Double) result.get(0)).isCloseTo(1136.596916156, Offset.offset(1e-6));
    assertThat(result.get(1)).isEqualTo(14);
  }

  @Test
  void dumpLoad_givesTheRecordBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    assertThat(DemoStorage.dumpLoad(dir))
        .startsWith("demo, 1,000,000 weights (last 99), vocabulary {a=0, b=1}");
  }

  @Test
  void hashes_equalArraysHashEqually() {
    List<String> h = DemoStorage.hashes();
    assertThat(h.get(0)).isEqualTo(h.get(1));
  }

  @Test
  void run_unknownBackend_saysItIsSkipped() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .run(List.of("threading", "no-such-backend"));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("== backend threading")
        .contains("-> [0.0, 1.0, 2.0, 3.0")
        .contains("skipped: the no-such-backend backend is not on the class path");
  }
}
