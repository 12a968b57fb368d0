package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps {@code org.joblib4j.internal} internal: no class outside core may import it. */
class InternalPackageTest {
  @Test
  void sources_outsideCore_neverImportInternal() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> offenders;
    try (Stream<Path> files = Files.walk(root)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".scala"))
              .filter(p -> !p.startsWith(root.resolve("core")))
              .filter(p -> !p.toString().contains("/target/"))
              .filter(InternalPackageTest::importsInternal)
              .collect(Collectors.toList());
    }

    assertThat(root.resolve("local-backend")).isDirectory();
    assertThat(offenders).isEmpty();
  }

  private static boolean importsInternal(Path file) {
    try {
      return Files.readString(file).contains("import org.joblib4j.internal");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
