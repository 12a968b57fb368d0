package org.joblib4j.examples;

import java.io.PrintStream;

/** The demo's backend-independent part: a cached {@code square} with {@code Memory}, a dump and a load. */
final class DemoStorage {
  private DemoStorage() {}

  /** A way to time and print one step. */
  interface Timer {
    void timed(String what, Demo.Step step) throws Exception;
  }

  static void run(PrintStream out, Timer timer) throws Exception {
    out.println("skipped: org.joblib4j.memory.Memory is not on the class path yet");
    out.println("skipped: Joblib.dump and Joblib.load are not on the class path yet");
  }
}
