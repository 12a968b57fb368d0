package org.joblib4j.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.joblib4j.testing.ValueMatrix.Case;

/**
 * Sends every value of the {@link ValueMatrix} along the {@link ValuePaths} its arguments name and
 * prints one {@link Observation} line per value and path; {@link MatrixTests} starts it in a JVM
 * with no module options.
 *
 * <p>Arguments: a folder for files, then path names. Prints {@code MATRIX-JVM} and the JVM's
 * options first, {@code MATRIX-END} last.
 */
public final class ValueMatrixChild {
  static final String JVM = "MATRIX-JVM";
  static final String END = "MATRIX-END";

  private ValueMatrixChild() {}

  /** Runs the paths {@code args[1..]} with files under {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    List<String> paths = Arrays.asList(args).subList(1, args.length);
    System.out.println(JVM + " " + ManagementFactory.getRuntimeMXBean().getInputArguments());
    for (String path : paths) {
      long start = System.nanoTime();
      ValuePaths.Run run = ValuePaths.open(path, Files.createDirectories(dir.resolve(path)));
      for (Case c : ValueMatrix.all()) {
        Observation o;
        try {
          o = run.observe(c);
        } catch (RuntimeException | Error e) {
          o = Observation.threw(path, c.name(), "harness", e);
        }
        System.out.println(o.toLine());
        System.out.flush();
      }
      System.err.printf("MATRIX-TIME %s %d ms%n", path, (System.nanoTime() - start) / 1_000_000);
    }
    System.out.println(END);
    System.out.flush();
    // Ends the worker pools and any thread a value left running.
    System.exit(0);
  }
}
