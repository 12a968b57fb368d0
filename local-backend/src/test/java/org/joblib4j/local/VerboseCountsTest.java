package org.joblib4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Delayed.delayed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * joblib's progress lines give true counts: "Done n out of m" names the call's size when it is
 * known, and otherwise appears only once every task is dispatched, so m is always the number of
 * tasks; joblib prints, for 12 tasks from a generator on two threads, {@code Done 1 tasks}, {@code
 * Done 4 tasks}, {@code Done 9 tasks}, then {@code Done 12 out of 12 ... finished}. The rule is
 * checked for every line of calls of 10 and 100 tasks and of an input of unknown size, with auto
 * batching (whose growing batches once made the totals wrong) on threads and worker JVMs. With a
 * batch size of 1 the lines depend only on the counts, so they are compared, line for line, with
 * the lines joblib itself printed for the same calls.
 */
class VerboseCountsTest {
  private static final Pattern DONE =
      Pattern.compile("Done +(\\d+) (?:out of +(\\d+)|tasks) +\\| elapsed: .*");

  static int quick(int i) {
    return i;
  }

  static Stream<Arguments> calls() {
    List<Arguments> out = new ArrayList<>();
    for (String backend : List.of("threading", "processes")) {
      for (int verbose : new int[] {5, 10, 50}) {
        out.add(Arguments.of(backend, 10, true, verbose));
        out.add(Arguments.of(backend, 100, true, verbose));
        out.add(Arguments.of(backend, 37, false, verbose));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, {1} tasks, size known: {2}, verbose {3}")
  @MethodSource("calls")
  void everyLine_countsAtMostTheTasksAndNamesTheirTrueTotal(
      String backend, int n, boolean sizeKnown, int verbose) {
    List<Task<Integer>> tasks =
        IntStream.range(0, n).mapToObj(i -> delayed(VerboseCountsTest::quick, i)).toList();
    Parallel p = new Parallel().backend(backend).nJobs(2).verbose(verbose);

    List<String> lines =
        capture(
            () -> {
              Iterator<Task<Integer>> it = tasks.iterator();
              List<Integer> results = sizeKnown ? p.run(tasks) : p.run(it);
              assertThat(results).hasSize(n);
            });

    List<String> done = lines.stream().filter(l -> DONE.matcher(l).find()).toList();
    assertThat(done).as("progress lines").isNotEmpty();
    String last = done.get(done.size() - 1);
    Matcher end = DONE.matcher(last);
    assertThat(end.find()).isTrue();
    assertThat(end.group(1)).isEqualTo(Integer.toString(n));
    assertThat(end.group(2)).isEqualTo(Integer.toString(n));
    assertThat(last).endsWith("finished");
    long previous = 0;
    boolean sawTotal = false;
    for (String line : done) {
      Matcher m = DONE.matcher(line);
      assertThat(m.find()).isTrue();
      long completed = Long.parseLong(m.group(1));
      assertThat(completed).as("completed count in %s", line).isBetween(previous, (long) n);
      previous = completed;
      if (m.group(2) != null) {
        sawTotal = true;
        assertThat(Long.parseLong(m.group(2))).as("total in %s", line).isEqualTo(n);
      } else {
        assertThat(sizeKnown).as("a size-known call names its total: %s", line).isFalse();
        assertThat(sawTotal).as("\"n tasks\" after \"out of\": %s", line).isFalse();
      }
    }
    assertThat(previous).isEqualTo(n);
  }

  static int twentyMillis(int i) {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return i;
  }

  /**
   * joblib's own lines for the same calls, recorded by {@code
   * src/test/python/joblib_verbose_lines.py}: shape ("threading 10 known 5") to lines, times
   * replaced by T.
   */
  private static Map<String, List<String>> joblibLines() throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (InputStream in = VerboseCountsTest.class.getResourceAsStream("joblib-verbose-lines.txt")) {
      if (in == null) {
        throw new IOException("joblib-verbose-lines.txt is not on the test class path");
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        if (line.startsWith("#")) {
          continue;
        }
        int bar = line.indexOf(" | ");
        out.computeIfAbsent(line.substring(0, bar), k -> new ArrayList<>())
            .add(line.substring(bar + 3));
      }
    }
    return out;
  }

  static Stream<Arguments> joblibShapes() throws IOException {
    return joblibLines().keySet().stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("joblibShapes")
  void everyLine_isJoblibsLine_forTheSameCall(String shape) throws IOException {
    String[] s = shape.split(" ");
    // joblib's loky is this project's processes backend, under a name of its own.
    String backend = s[0].equals("loky") ? "processes" : s[0];
    int n = Integer.parseInt(s[1]);
    boolean sizeKnown = s[2].equals("known");
    int verbose = Integer.parseInt(s[3]);
    List<Task<Integer>> tasks =
        IntStream.range(0, n).mapToObj(i -> delayed(VerboseCountsTest::twentyMillis, i)).toList();
    Parallel p = new Parallel().backend(backend).nJobs(2).batchSize(1).verbose(verbose);

    List<String> lines =
        capture(
            () -> {
              List<Integer> results = sizeKnown ? p.run(tasks) : p.run(tasks.iterator());
              assertThat(results).hasSize(n);
            });

    List<String> expected =
        joblibLines().get(shape).stream()
            .map(l -> l.replace("LokyBackend", "ProcessesBackend"))
            .toList();
    assertThat(lines.stream().map(VerboseCountsTest::withoutTimes).toList())
        .containsExactlyElementsOf(expected);
  }

  private static String withoutTimes(String line) {
    return line.replaceAll("(elapsed|remaining): *[0-9.]+(s|min)", "$1: T");
  }

  /** Runs {@code body} and returns the lines it printed to standard error and standard output. */
  private static List<String> capture(Runnable body) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setErr(both);
    System.setOut(both);
    try {
      body.run();
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
