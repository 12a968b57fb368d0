package org.joblib4j.testing;

import static org.joblib4j.Delayed.delayed;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.testing.ValueMatrix.Case;

/**
 * Sends every value of the {@link ValueMatrix} along the {@link ValuePaths} its arguments name and
 * prints one {@link Observation} line per value and path; {@link MatrixTests} starts it in a JVM
 * with no module options.
 *
 * <p>Arguments: a folder for files, then path names. Prints a {@code MATRIX-JVM} line with the
 * options of this JVM and of a worker of each backend named, and {@code MATRIX-END} last.
 */
public final class ValueMatrixChild {
  static final String JVM = "MATRIX-JVM";
  static final String END = "MATRIX-END";

  private ValueMatrixChild() {}

  /** Runs the paths {@code args[1..]} with files under {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    List<String> paths = Arrays.asList(args).subList(1, args.length);
    System.out.println(JVM + "\tthis JVM\t" + jvmOptions(0));
    Map<String, ValuePaths.Run> runs = new LinkedHashMap<>();
    Map<String, Long> nanos = new HashMap<>();
    for (String path : paths) {
      if (path.endsWith("-argument") || path.endsWith("-result")) {
        String backend = path.substring(0, path.lastIndexOf('-'));
        List<String> worker =
            new Parallel()
                .backend(backend)
                .nJobs(2)
                .run(Stream.of(delayed(ValueMatrixChild::jvmOptions, 0)));
        System.out.println(JVM + "\t" + backend + " worker\t" + worker.get(0));
      }
      runs.put(path, ValuePaths.open(path, Files.createDirectories(dir.resolve(path))));
    }
    // Value by value, so that the refused values, which come last, are sent after every value
    // that must round-trip on every path.
    for (Case c : ValueMatrix.all()) {
      for (String path : paths) {
        long start = System.nanoTime();
        Observation o;
        try {
          o = runs.get(path).observe(c);
        } catch (RuntimeException | Error e) {
          o = Observation.threw(path, c.name(), "harness", e);
        }
        nanos.merge(path, System.nanoTime() - start, Long::sum);
        System.out.println(o.toLine());
        System.out.flush();
      }
    }
    nanos.forEach((path, n) -> System.err.printf("MATRIX-TIME %s %d ms%n", path, n / 1_000_000));
    System.out.println(END);
    System.out.flush();
    // Ends the worker pools and any thread a value left running.
    System.exit(0);
  }

  /** Returns the options of the JVM this runs in. */
  static String jvmOptions(int ignored) {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().toString();
  }
}
