package org.joblib4j.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hashes of fixed inputs never change, in this JVM or another one. */
class HashVectorsTest {
  private static final List<String> EXPECTED =
      List.of(
          "string=9460eceb1ed14500ed493d34721e43dc",
          "unicode=d34a47eff76d6f2ae20d044b72968113",
          "ints=e5496c3395baa321bdf585af0e31a0f8",
          "doubles=cd74001d3f2e255cfe3e012189412fae",
          "map=4234b2130260d8c7128c98c3fac3be89",
          "one=e37db44aa0e7c741d949c3e82f3731be",
          "null=d2e9fb17cf77f7c04d736168f942485d",
          "emptyList=4e7db9c232249058ee1d73b792e0b496",
          "emptyMap=a3c190619b9e3572caebd09bb0dfead8",
          "set=607f58d2e72ee9b7ee067b1fc7fd38fd",
          "twoArgs=c8bb0d315bbc3a203768c45a406ce696",
          "bigDoubles=6f6d737820f42ae9c689b2fd15c0fb50",
          "directBuffer=e46cae19a0059a1bc3e7bc446178faf1",
          "smallLongs=df3e2c414ca4982d56255d320b3d6a46",
          "record=c4d1bc7266aa8f38165c9234d52b7994",
          "enum=ea2002345568bc137563823c4d36f68b",
          "bigDecimal=d7e783afd6aa2120058c1c247c0198b3",
          "localDate=295e8938cecaa960fdc7ed308afda179",
          "methodRef=346e6990112df7a725a319567c14120b");

  @Test
  void hash_fixedInputs_matchRecordedVectors() {
    assertThat(HashVectors.compute().lines()).containsExactlyElementsOf(EXPECTED);
  }

  @Test
  void hash_fixedInputsInAnotherJvm_matchRecordedVectors(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("hashes.txt");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                HashVectors.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectOutput(output.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    byte[] out = java.nio.file.Files.readAllBytes(output);
    assertThat(p.exitValue()).isZero();
    assertThat(new String(out, StandardCharsets.UTF_8).lines()).containsExactlyElementsOf(EXPECTED);
  }
}
