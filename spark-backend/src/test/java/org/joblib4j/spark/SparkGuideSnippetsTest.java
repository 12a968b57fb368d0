package org.joblib4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java and Scala block of the guide's Spark page, {@code docs/spark.md}, is code of this
 * module's tests, where it runs.
 */
class SparkGuideSnippetsTest {
  private static final Path PAGE = Path.of("..", "docs", "spark.md");

  @Test
  void everyCodeBlockOfTheSparkPage_isCodeOfTheTests() throws IOException {
    String sources = normalized(testSources());
    List<String> blocks = blocks(Files.readString(PAGE));
    List<String> missing = new ArrayList<>();
    for (String block : blocks) {
      if (!sources.contains(normalized(block))) {
        missing.add(block);
      }
    }

    assertThat(blocks).as("code blocks in docs/spark.md").isNotEmpty();
    assertThat(missing).as("snippets of docs/spark.md not found in the tests").isEmpty();
  }

  private static List<String> blocks(String markdown) {
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

  private static String testSources() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(Path.of("src", "test"))) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".scala"))
              .sorted()
              .collect(Collectors.toList())) {
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
