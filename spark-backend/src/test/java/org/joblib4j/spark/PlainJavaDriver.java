package org.joblib4j.spark;

import static org.joblib4j.Delayed.delayed;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.joblib4j.JoblibException;
import org.joblib4j.Parallel;

/**
 * A program started by {@link ModuleOptionsTest} with a plain {@code java -cp} command and no
 * module options. Runs one call on the spark backend and prints its {@code RESULT} or {@code ERROR}
 * line, then {@code DONE}. With the argument {@code own}, it first creates its own context.
 */
public final class PlainJavaDriver {
  private PlainJavaDriver() {}

  /** Runs the call; {@code own} makes the program's own {@code local[2]} context first. */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("own")) {
      new SparkContext(new SparkConf().setMaster("local[2]").setAppName("own"));
    }
    try {
      List<Integer> squares =
          new Parallel()
              .backend("spark")
              .nJobs(2)
              .run(IntStream.range(0, 6).mapToObj(i -> delayed(PlainJavaDriver::square, i)));
      System.out.println("RESULT " + squares);
    } catch (JoblibException e) {
      System.out.println("ERROR " + e.getClass().getName() + ": " + e.getMessage());
    }
    System.out.println("DONE");
  }

  static int square(int i) {
    return i * i;
  }
}
