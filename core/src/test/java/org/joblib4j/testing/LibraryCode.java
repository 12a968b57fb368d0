package org.joblib4j.testing;

import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;

/** Stands for a library that calls {@code new Parallel()} and exposes no backend parameter. */
public final class LibraryCode {
  private LibraryCode() {}

  /** Returns the name of the thread each of {@code n} tasks ran on. */
  public static List<String> threadsOfTasks(int n) {
    return new Parallel().batchSize(1)
        .run(IntStream.range(0, n).mapToObj(i -> delayed(LibraryCode::threadName, i)));
  }

  static String threadName(int ignored) {
    return Thread.currentThread().getName();
  }

  /** Prints what a {@code new Parallel()} would use here; run in a child JVM by tests. */
  public static void main(String[] args) {
    System.out.println(org.joblib4j.ParallelConfig.current());
  }
}
