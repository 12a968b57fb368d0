package org.joblib4j;

import org.joblib4j.internal.Calls;
import org.joblib4j.internal.Checks;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.ParallelBackend;

/**
 * Static entry points of joblib that are not {@link Parallel}: CPU counts and the effective
 * number of jobs.
 */
public final class Joblib {
  private Joblib() {}

  /**
   * Returns the number of CPUs this JVM may use: the processors the operating system gives it,
   * within container limits; at least 1.
   */
  public static int cpuCount() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Returns how many workers a {@code new Parallel().nJobs(nJobs)} would use on this thread, with
   * the backend the scopes, properties and environment name: {@code effectiveNJobs(-1)} is every
   * core for {@code threading}, every task slot for {@code spark}.
   *
   * @throws IllegalArgumentException for 0
   */
  public static int effectiveNJobs(int nJobs) {
    Checks.checkNJobs(nJobs);
    if (nJobs == 1) {
      return 1;
    }
    Settings explicit = Settings.EMPTY.withNJobs(nJobs);
    Calls.Plan plan =
        Calls.plan(explicit, ParallelConfig.effective(explicit), ParallelConfig.nestingLevel());
    try (ParallelBackend backend = plan.createBackend()) {
      return plan.nWorkers(backend);
    }
  }

  /** Returns the effective number of jobs for the {@code nJobs} in effect, or the default. */
  public static int effectiveNJobs() {
    Settings effective = ParallelConfig.effective(Settings.EMPTY);
    Calls.Plan plan = Calls.plan(Settings.EMPTY, effective, ParallelConfig.nestingLevel());
    try (ParallelBackend backend = plan.createBackend()) {
      return plan.nWorkers(backend);
    }
  }
}
