package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps {@code org.joblib4j.internal} internal: no class outside core may import it. */
class InternalPackageTest {
  @Test
  void sources_outsideCore_neverImportInternal() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> sources = new ArrayList<>();
    // Build output is not walked: files there come and go while other tests run.
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            return name.equals("target") || name.equals("build") || name.startsWith(".")
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String name = file.toString();
            if ((name.endsWith(".java") || name.endsWith(".scala"))
                && !file.startsWith(root.resolve("core"))) {
              sources.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    List<Path> offenders =
        sources.stream().filter(InternalPackageTest::importsInternal).collect(Collectors.toList());

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
