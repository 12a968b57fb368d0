package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of the guide is code of this module: the test reads the guide's pages and
 * finds each block, line by line (indentation aside), in the module's sources, where a test runs
 * it.
 */
class DocsSnippetsTest {
  private static final Path DOCS = Path.of("..").toAbsolutePath().normalize();
  private static final Path SOURCES = Path.of("src").toAbsolutePath();
  /** Pages whose snippets live with the module they describe. */
  private static final Set<String> ELSEWHERE = Set.of("spark.md");

  @Test
  void everyJavaBlockOfTheGuide_isCodeOfTheExamples() throws IOException {
    String sources = normalized(sourceText());
    List<String> missing = new ArrayList<>();
    int blocks = 0;
    for (Path page : pages()) {
      for (String block : javaBlocks(Files.readString(page))) {
        blocks++;
        if (!sources.contains(normalized(block))) {
          missing.add(page.getFileName() + ":\n" + block);
        }
      }
    }
    assertThat(blocks).as("Java blocks in the guide").isPositive();
    assertThat(missing).as("guide snippets not found in docs/examples").isEmpty();
  }

  private static List<Path> pages() throws IOException {
    try (Stream<Path> s = Files.list(DOCS)) {
      return s.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> !ELSEWHERE.contains(p.getFileName().toString()))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    StringBuilder current = null;
    for (String line : markdown.split("\n", -1)) {
      String t = line.strip();
      if (current == null && (t.equals("```java") || t.equals("```scala"))) {
        current = new StringBuilder();
      } else if (current != null && t.equals("```")) {
        blocks.add(current.toString());
        current = null;
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    return blocks;
  }

  private static String sourceText() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")
          || p.toString().endsWith(".scala")).sorted().collect(Collectors.toList())) {
        sb.append(Files.readString(f)).append('\n');
      }
    }
    return sb.toString();
  }

  /** Drops indentation, blank lines and snippet markers, so only the code's lines count. */
  private static String normalized(String text) {
    return text.lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .filter(l -> !l.startsWith("// snippet:") && !l.startsWith("// end:"))
        .collect(Collectors.joining("\n", "\n", "\n"));
  }
}
