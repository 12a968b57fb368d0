package org.joblib4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Delayed.delayed;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * batching (whose growing batches once made the totals wrong) on threads and worker JVMs.
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
        captureStderr(
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

  private static List<String> captureStderr(Runnable body) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
