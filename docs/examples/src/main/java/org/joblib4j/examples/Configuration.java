package org.joblib4j.examples;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.joblib4j.ParallelConfig;

/** The snippets of the guide's configuration section, in {@code docs/parallel.md}. */
public final class Configuration {
  private Configuration() {}

  /**
   * Precedence: a {@code Parallel}'s own option, then the innermost scope, then the system
   * property, then the environment. Returns the nJobs seen at each level.
   */
  public static List<@Nullable Integer> precedence() {
    // snippet:precedence
    // as if started with -Djoblib4j.nJobs=2 (or with JOBLIB4J_N_JOBS=2 in the environment)
    System.setProperty("joblib4j.nJobs", "2");
    try {
      Integer fromProperty = ParallelConfig.current().nJobs();        // 2
      Integer fromScope;
      try (ParallelConfig.Scope scope = ParallelConfig.nJobs(3).enter()) {
        fromScope = ParallelConfig.current().nJobs();                 // 3: the scope wins
        // new Parallel().nJobs(4) would still run with 4: its own option wins over everything
      }
      // end:precedence
      return List.of(fromProperty, fromScope);
    } finally {
      System.clearProperty("joblib4j.nJobs");
    }
  }
}
