package org.joblib4j.spark;

import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;

/** Library code as a user would write it: {@code new Parallel()}, no backend named. */
final class ExampleLibrary {
  private ExampleLibrary() {}

  /** Returns, for each i below n, {i * i, the id of the process that computed it}. */
  static List<long[]> squaresWithPids(int n) {
    return new Parallel()
        .run(IntStream.range(0, n).mapToObj(i -> delayed(ExampleLibrary::squareWithPid, i)));
  }

  static long[] squareWithPid(int i) {
    Sleep.millis(20);
    return new long[] {(long) i * i, ProcessHandle.current().pid()};
  }
}
