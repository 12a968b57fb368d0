package org.joblib4j.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.joblib4j.Joblib;
import org.joblib4j.SerializableFunction;
import org.joblib4j.testing.PlainJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program without an SLF4J binding gets joblib4j's own lines and nothing from SLF4J: no "No
 * SLF4J providers were found" notice, and the verbose lines of Memory still on standard error.
 */
class QuietWithoutBindingTest {
  @TempDir Path dir;

  /** The program: a verbose cached call and a dump, on a JVM started with no options. */
  public static final class Program {
    static double[] twice(double[] a) {
      return Arrays.stream(a).map(x -> 2 * x).toArray();
    }

    public static void main(String[] args) throws Exception {
      Memory memory = new Memory(Path.of(args[0])).verbose(1);
      SerializableFunction<double[], double[]> f = memory.cache(Program::twice);
      f.apply(new double[] {1, 2});
      Joblib.dump(f.apply(new double[] {1, 2}), Path.of(args[0], "out.jl"));
      System.out.println("DONE");
    }
  }

  @Test
  void memoryAndDump_programWithoutSlf4jBinding_printJoblib4jLinesOnly() throws Exception {
    String text =
        PlainJvm.run(
            dir.resolve("out.txt"),
            e ->
                !e.contains("hadoop")
                    && !e.contains("log4j")
                    && !e.contains("logback")
                    && !e.contains("slf4j-simple")
                    && !e.contains("slf4j-reload4j"),
            List.of(),
            Program.class,
            dir.resolve("cache").toString());

    assertThat(text).as(text).contains("DONE").contains("[Memory] Calling").doesNotContain("SLF4J");
  }
}
